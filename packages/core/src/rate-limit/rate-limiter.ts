import type { ResolvedConfig } from '../contracts/config.js'
import type { RateLimiter, RateLimitPolicy } from '../contracts/services.js'
import type { HitCounts, Storage } from '../contracts/storage.js'
import { sha256Hex } from '../primitives/crypto.js'
import { addressBucket } from './address-bucket.js'

/**
 * Seconds until the sliding-window estimate drops below `maxFailures` if nothing else fails; 0
 * when it already is. The estimate is the current window's hits plus the previous window's,
 * weighted by how much of the previous window the sliding window still covers (the two-counter
 * sliding window of Cloudflare's rate limiting): `current + previous * (w - elapsed) / w`.
 * Compared in integers so that no rounding decides.
 */
export function retryAfter({ current, previous }: HitCounts, now: number, { maxFailures: max, windowSeconds: w }: RateLimitPolicy): number {
  const elapsed = now - Math.floor(now / w) * w
  if (current * w + previous * (w - elapsed) < max * w) return 0
  // Still below max on its own: wait until the previous window's share has shrunk enough.
  if (current < max) return Math.floor((w * (previous - max + current)) / previous) + 1 - elapsed
  // Over max on its own: wait for the next window, then until this one's share has shrunk enough.
  return w - elapsed + Math.floor((w * (current - max)) / current) + 1
}

/** The default limiter, on the Storage's `hit` and `countHits` counters. */
export function storageRateLimiter(counters: Required<Pick<Storage, 'hit' | 'countHits'>>, policy: RateLimitPolicy): RateLimiter {
  return {
    async check(key, now) {
      const wait = retryAfter(await counters.countHits(key, now, policy.windowSeconds), now, policy)
      return { allowed: wait === 0, retryAfter: wait }
    },
    async fail(key, now) {
      await counters.hit(key, now, policy.windowSeconds)
    },
  }
}

/**
 * The limiter of failed client authentications: `rateLimit.limiter` when given, else the
 * Storage's counters when it has them, else none (`rateLimit: false` turns it off).
 */
export function createRateLimiter(config: ResolvedConfig): RateLimiter | null {
  const { rateLimit, storage } = config
  if (rateLimit === false) return null
  if (rateLimit.limiter) return rateLimit.limiter
  const { hit, countHits } = storage
  if (typeof hit !== 'function' || typeof countHits !== 'function') return null
  return storageRateLimiter({ hit: hit.bind(storage), countHits: countHits.bind(storage) }, rateLimit)
}

/**
 * The key failures are counted under (RFC 6749 §10.10): one client_id at one address, hashed so
 * that neither an attacker's 64 KiB client_id nor the address is stored as it is. Without an
 * address, the client_id alone: anyone who knows a client_id (they are public) can then lock that
 * client out, which is why the address is preferred; but unlimited guessing would be worse. The
 * two forms differ in shape, so a crafted client_id cannot name another's key.
 */
export function rateLimitKey(clientId: string, address: string | undefined): string {
  if (clientId.length > MAX_REMEMBERED_ID) return derive(clientId, address)
  const seen = `${clientId.length}:${clientId}${address ?? ''}`
  let key = recentKeys.get(seen)
  if (key === undefined) {
    // Emptied when full: a bound on memory, refilled by the callers of the moment.
    if (recentKeys.size >= MAX_RECENT_KEYS) recentKeys.clear()
    key = derive(clientId, address)
    recentKeys.set(seen, key)
  }
  return key
}

function derive(clientId: string, address: string | undefined): string {
  return address ? `client_auth:${sha256Hex(`${clientId}\n${addressBucket(address)}`)}` : `client_auth:id:${sha256Hex(clientId)}`
}

// The keys of recent callers: every token request of a client from one address asks for the same
// key, and deriving it (an IPv6 prefix and a hash) costs more than a lookup. The client_id's
// length first, so that no other pair spells the same entry.
const MAX_RECENT_KEYS = 4096
const MAX_REMEMBERED_ID = 256
const recentKeys = new Map<string, string>()
