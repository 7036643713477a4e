import type { HitCounts } from '../contracts/storage.js'

/**
 * One rate-limit key's counters as a key-value store keeps them (the in-process store, Deno KV):
 * the window holding the latest hit, its hits and those of the window before, and when the row
 * may go (two windows after its window starts).
 */
export interface HitRow {
  window_start: number
  hits: number
  previous_hits: number
  expires_at: number
}

/** The start of the rate-limit window holding `now`: the last multiple of `windowSeconds`. */
const windowStart = (now: number, windowSeconds: number) => now - (now % windowSeconds)

/** A key's counts as seen from the window holding `now`: rolled over when that window is newer. */
export function hitCountsAt(row: HitRow | null | undefined, now: number, windowSeconds: number): HitCounts {
  const start = windowStart(now, windowSeconds)
  if (!row) return { current: 0, previous: 0 }
  // A row from a later window (another instance's clock ran ahead) counts as the current one.
  if (row.window_start >= start) return { current: row.hits, previous: row.previous_hits }
  return { current: 0, previous: row.window_start === start - windowSeconds ? row.hits : 0 }
}

/** One more hit on a key at `now`: its counts with the hit, and the row that keeps them. */
export function countHit(row: HitRow | null | undefined, now: number, windowSeconds: number): { counts: HitCounts; row: HitRow } {
  const counts = hitCountsAt(row, now, windowSeconds)
  counts.current++
  const start = Math.max(windowStart(now, windowSeconds), row?.window_start ?? 0)
  return {
    counts,
    row: { window_start: start, hits: counts.current, previous_hits: counts.previous, expires_at: start + 2 * windowSeconds },
  }
}
