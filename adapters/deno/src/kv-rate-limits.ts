import type { HitCounts, Storage } from '@grantline/core'
import { CONFLICT, type KvKeys, retrying } from './kv-keys.ts'

/** One rate-limit key's counters: the window holding the latest hit and the one before it. */
interface HitRow {
  window_start: number
  hits: number
  previous_hits: number
  expires_at: number
}

/** The start of the window holding `now`: the last multiple of `windowSeconds`. */
const windowStart = (now: number, windowSeconds: number) => now - (now % windowSeconds)

/** A key's counts as seen from the window holding `now`: rolled over when that window is newer. */
function countsAt(row: HitRow | null, now: number, windowSeconds: number): HitCounts {
  const start = windowStart(now, windowSeconds)
  if (!row) return { current: 0, previous: 0 }
  // A row from a later window (another instance's clock ran ahead) counts as the current one.
  if (row.window_start >= start) return { current: row.hits, previous: row.previous_hits }
  return { current: 0, previous: row.window_start === start - windowSeconds ? row.hits : 0 }
}

/**
 * The optional rate-limit counters on Deno KV: one row per key, updated by a checked commit and
 * retried on conflict, so concurrent hits all count and each answer includes its own. The row is
 * indexed by its expiry (two windows after its window starts) for cleanup().
 */
export function rateLimitMethods(kv: Deno.Kv, keys: KvKeys): Required<Pick<Storage, 'hit' | 'countHits'>> {
  return {
    hit(key, now, windowSeconds) {
      return retrying(async () => {
        const entry = await kv.get<HitRow>(keys.hits(key))
        const counts = countsAt(entry.value, now, windowSeconds)
        const start = Math.max(windowStart(now, windowSeconds), entry.value?.window_start ?? 0)
        const next = { current: counts.current + 1, previous: counts.previous }
        const row: HitRow = { window_start: start, hits: next.current, previous_hits: next.previous, expires_at: start + 2 * windowSeconds }
        const op = kv
          .atomic()
          .check(entry)
          .set(entry.key, row)
          .set(keys.expiry(row.expires_at, 'hits', key), true)
        if (entry.value && entry.value.expires_at !== row.expires_at) op.delete(keys.expiry(entry.value.expires_at, 'hits', key))
        return (await op.commit()).ok ? next : CONFLICT
      })
    },
    async countHits(key, now, windowSeconds) {
      return countsAt((await kv.get<HitRow>(keys.hits(key))).value, now, windowSeconds)
    },
  }
}
