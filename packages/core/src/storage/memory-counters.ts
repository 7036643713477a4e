import type { HitCounts, Storage } from '../contracts/storage.js'
import { expiryIndex } from './memory-expiry.js'

type CounterMethods = Required<Pick<Storage, 'hit' | 'countHits' | 'remember'>>

interface HitRow {
  window_start: number
  hits: number
  previous_hits: number
  expires_at: number
}

/** The start of the rate-limit window holding `now`: the last multiple of `windowSeconds`. */
const windowStart = (now: number, windowSeconds: number) => now - (now % windowSeconds)

/** A key's counts as seen from the window holding `now`: rolled over when that window is newer. */
function countsAt(row: HitRow | undefined, now: number, windowSeconds: number): HitCounts {
  const start = windowStart(now, windowSeconds)
  if (!row) return { current: 0, previous: 0 }
  // A row from a later window (another instance's clock ran ahead) counts as the current one.
  if (row.window_start >= start) return { current: row.hits, previous: row.previous_hits }
  return { current: 0, previous: row.window_start === start - windowSeconds ? row.hits : 0 }
}

/**
 * The in-process store's rate-limit counters and its memory of single-use values (assertion ids,
 * DPoP proofs), with `sweep` for cleanup(): both expire on their own, so they never grow past
 * what is live.
 */
export function memoryCounters(): CounterMethods & { sweep(now: number, limit: number): number } {
  const hits = new Map<string, HitRow>()
  const remembered = new Map<string, { expires_at: number }>()
  const hitsExpiry = expiryIndex()
  const rememberedExpiry = expiryIndex()

  return {
    async hit(key, now, windowSeconds) {
      const row = hits.get(key)
      const counts = countsAt(row, now, windowSeconds)
      const start = Math.max(windowStart(now, windowSeconds), row?.window_start ?? 0)
      counts.current++
      const expiresAt = start + 2 * windowSeconds
      if (row && row.expires_at === expiresAt) {
        // The same window: counted in place, and already filed under its expiry.
        row.hits = counts.current
        row.previous_hits = counts.previous
        return counts
      }
      hitsExpiry.add(key, expiresAt, false)
      hits.set(key, { window_start: start, hits: counts.current, previous_hits: counts.previous, expires_at: expiresAt })
      return counts
    },
    async countHits(key, now, windowSeconds) {
      return countsAt(hits.get(key), now, windowSeconds)
    },
    async remember(kind, key, expiresAt, now) {
      const id = `${kind}\u0000${key}`
      const seen = remembered.get(id)
      if (seen && seen.expires_at > now) return false
      remembered.set(id, { expires_at: expiresAt })
      rememberedExpiry.add(id, expiresAt, false)
      return true
    },
    sweep(now, limit) {
      const removed = hitsExpiry.sweep(hits, now, limit)
      return removed + rememberedExpiry.sweep(remembered, now, limit - removed)
    },
  }
}
