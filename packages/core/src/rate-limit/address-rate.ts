import type { ProviderContext } from '../contracts/context.js'
import { sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { addressBucket } from './address-bucket.js'
import { retryAfter } from './rate-limiter.js'

/** At most `max` requests of one kind per client address in a sliding window of `windowSeconds`. */
export interface AddressLimit {
  max: number
  windowSeconds: number
}

/**
 * Counts one request of `kind` for the caller's address (stored hashed) and refuses one past
 * `limit` (see `checkRate`). Without a known address every caller shares one count, which the
 * start-up warning says.
 */
export function checkAddressRate(
  provider: Pick<ProviderContext, 'config'>,
  address: string | undefined,
  kind: string,
  limit: AddressLimit,
  description: string,
): Promise<void> {
  const key = address ? `${kind}:${sha256Hex(addressBucket(address))}` : `${kind}:no-address`
  return checkRate(provider, key, limit, description)
}

/**
 * Counts one request under `key` in the Storage's `hit` counters, and refuses one past `limit`
 * with 429 and Retry-After (RFC 6585 §4). Counting before anything else makes a burst count in
 * full: concurrent requests cannot all slip under the limit. Without `hit` counters in the
 * Storage there is no limit.
 */
export async function checkRate(
  provider: Pick<ProviderContext, 'config'>,
  key: string,
  limit: AddressLimit,
  description: string,
): Promise<void> {
  const { storage } = provider.config
  if (typeof storage.hit !== 'function') return
  const now = provider.config.seconds()
  const counts = await storage.hit(key, now, limit.windowSeconds)
  // The counts include this request: it is allowed when those before it stay under the limit.
  const wait = retryAfter({ current: counts.current - 1, previous: counts.previous }, now, {
    maxFailures: limit.max,
    windowSeconds: limit.windowSeconds,
  })
  if (wait > 0) {
    throw new OAuthError('temporarily_unavailable', description, {
      status: 429,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(wait))) },
    })
  }
}
