import type { HitCounts, Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { sql, statement } from '../sql-fragment.js'

interface CounterRow {
  window_start: unknown
  hits: unknown
  previous_hits: unknown
}

/** The start of the window holding `now`: the last multiple of `windowSeconds`. */
const windowStart = (now: number, windowSeconds: number) => now - (now % windowSeconds)

/** A stored row as seen from the window of `now`: rolled over when that window is newer. */
function countsAt(row: CounterRow | null, now: number, windowSeconds: number): HitCounts {
  if (!row) return { current: 0, previous: 0 }
  const start = windowStart(now, windowSeconds)
  const stored = Number(row.window_start)
  // A row from a later window (another instance's clock ran ahead) counts as the current one.
  if (stored >= start) return { current: Number(row.hits), previous: Number(row.previous_hits) }
  return { current: 0, previous: stored === start - windowSeconds ? Number(row.hits) : 0 }
}

/**
 * Rate-limit counters in `rate_limits`: `hit` is one UPSERT whose SET rolls the row into the
 * window of `now` and counts the hit, RETURNING the result, so concurrent hits serialise on the
 * row (SQLite's write lock, PostgreSQL's row lock) and none is lost.
 */
export function rateLimitMethods(driver: SqlDriver): Required<Pick<Storage, 'hit' | 'countHits'>> {
  return {
    async hit(key, now, windowSeconds) {
      const start = windowStart(now, windowSeconds)
      const before = start - windowSeconds
      const row = await statement(
        driver,
        sql`INSERT INTO rate_limits (rate_key, window_start, hits, previous_hits, expires_at)
            VALUES (${key}, ${start}, 1, 0, ${start + 2 * windowSeconds})
            ON CONFLICT (rate_key) DO UPDATE SET
              previous_hits = CASE WHEN rate_limits.window_start >= ${start} THEN rate_limits.previous_hits
                                   WHEN rate_limits.window_start = ${before} THEN rate_limits.hits ELSE 0 END,
              hits = CASE WHEN rate_limits.window_start >= ${start} THEN rate_limits.hits + 1 ELSE 1 END,
              expires_at = CASE WHEN rate_limits.window_start >= ${start} THEN rate_limits.expires_at ELSE ${start + 2 * windowSeconds} END,
              window_start = CASE WHEN rate_limits.window_start >= ${start} THEN rate_limits.window_start ELSE ${start} END
            RETURNING window_start, hits, previous_hits`,
      ).first<CounterRow>()
      return countsAt(row, now, windowSeconds)
    },
    async countHits(key, now, windowSeconds) {
      const row = await statement(
        driver,
        sql`SELECT window_start, hits, previous_hits FROM rate_limits WHERE rate_key = ${key}`,
      ).first<CounterRow>()
      return countsAt(row, now, windowSeconds)
    },
  }
}
