import type { Storage } from '../contracts/storage.js'
import { countHit, type HitRow, hitCountsAt } from './hit-window.js'
import { expiryIndex } from './memory-expiry.js'

type CounterMethods = Required<Pick<Storage, 'hit' | 'countHits' | 'remember'>>

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
      const next = countHit(row, now, windowSeconds)
      if (row && row.expires_at === next.row.expires_at) {
        // The same window: counted in place, and already filed under its expiry.
        row.hits = next.row.hits
        row.previous_hits = next.row.previous_hits
        return next.counts
      }
      hitsExpiry.add(key, next.row.expires_at, false)
      hits.set(key, next.row)
      return next.counts
    },
    async countHits(key, now, windowSeconds) {
      return hitCountsAt(hits.get(key), now, windowSeconds)
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
