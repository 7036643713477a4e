/**
 * Which rows of one memoryStorage() table cleanup() may remove, without walking the table: the key
 * of each row under the second it expires (buckets, the earliest found through a small heap of
 * their seconds), and the keys of rows revoked since the last cleanup. A cleanup then costs what it
 * removes, whatever the table holds; rows need not arrive in expiry order (access and refresh
 * tokens, families capped at 90 days, lifetimes that differ per client).
 *
 * A key is filed again whenever its row gets another expiry or is revoked; an entry whose row has
 * since gone, been replaced or renewed is dropped when it comes up, so stale entries cost nothing.
 */
export interface ExpiryIndex {
  /** Files `key` under `expiresAt` (and as revoked when `revoked`); call on every write of the row. */
  add(key: string, expiresAt: number, revoked: boolean): void
  /** Files `key` as revoked; call when the row's revoked_at is set in place. */
  revoked(key: string): void
  /** Removes up to `limit` rows of `table` revoked or expired at `now`; answers how many went. */
  sweep(table: Map<string, { expires_at: number; revoked_at?: number | null }>, now: number, limit: number): number
}

export function expiryIndex(): ExpiryIndex {
  const buckets = new Map<number, string[]>()
  // A binary min-heap of the seconds in `buckets`: one per distinct expiry, not per row.
  const seconds: number[] = []
  let revokedKeys: string[] = []
  // The bucket filed into last: tokens issued within one second with one lifetime share it.
  let lastSecond = Number.NaN
  let lastBucket: string[] = []

  const pushSecond = (second: number) => {
    let i = seconds.push(second) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      const above = seconds[parent] as number
      if (above <= second) break
      seconds[i] = above
      i = parent
    }
    seconds[i] = second
  }

  const popSecond = () => {
    const last = seconds.pop() as number
    const size = seconds.length
    if (size === 0) return
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= size) break
      const right = child + 1
      if (right < size && (seconds[right] as number) < (seconds[child] as number)) child = right
      const below = seconds[child] as number
      if (below >= last) break
      seconds[i] = below
      i = child
    }
    seconds[i] = last
  }

  return {
    add(key, expiresAt, revoked) {
      if (expiresAt === lastSecond) lastBucket.push(key)
      else {
        let bucket = buckets.get(expiresAt)
        if (bucket) bucket.push(key)
        else {
          bucket = [key]
          buckets.set(expiresAt, bucket)
          pushSecond(expiresAt)
        }
        lastSecond = expiresAt
        lastBucket = bucket
      }
      if (revoked) revokedKeys.push(key)
    },
    revoked(key) {
      revokedKeys.push(key)
    },
    sweep(table, now, limit) {
      let removed = 0
      while (revokedKeys.length > 0 && removed < limit) {
        const key = revokedKeys.pop() as string
        const row = table.get(key)
        if (row && (row.revoked_at ?? null) !== null) {
          table.delete(key)
          removed++
        }
      }
      // Drop the list once drained, so that a burst of revocations does not keep its length.
      if (revokedKeys.length === 0) revokedKeys = []
      while (seconds.length > 0 && removed < limit) {
        const second = seconds[0] as number
        if (second > now) break
        const bucket = buckets.get(second) as string[]
        while (bucket.length > 0 && removed < limit) {
          const key = bucket.pop() as string
          const row = table.get(key)
          // A row renewed since (a later expiry) stays: it is filed under that expiry too.
          if (row && row.expires_at <= now) {
            table.delete(key)
            removed++
          }
        }
        if (bucket.length > 0) break
        buckets.delete(second)
        popSecond()
        if (second === lastSecond) lastSecond = Number.NaN
      }
      return removed
    },
  }
}
