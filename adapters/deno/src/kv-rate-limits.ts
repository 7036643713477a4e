import { countHit, type HitRow, hitCountsAt, type Storage } from '@grantline/core'
import { CONFLICT, type KvKeys, retrying } from './kv-keys.ts'

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
        const { counts, row } = countHit(entry.value, now, windowSeconds)
        const op = kv
          .atomic()
          .check(entry)
          .set(entry.key, row)
          .set(keys.expiry(row.expires_at, 'hits', key), true)
        if (entry.value && entry.value.expires_at !== row.expires_at) op.delete(keys.expiry(entry.value.expires_at, 'hits', key))
        return (await op.commit()).ok ? counts : CONFLICT
      })
    },
    async countHits(key, now, windowSeconds) {
      return hitCountsAt((await kv.get<HitRow>(keys.hits(key))).value, now, windowSeconds)
    },
  }
}
