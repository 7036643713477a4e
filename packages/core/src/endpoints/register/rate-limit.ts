import { retryAfter } from '../../client-auth/rate-limit.js'
import type { ProviderContext } from '../../context.js'
import { sha256Hex } from '../../crypto.js'
import { OAuthError } from '../../errors.js'
import type { RegistrationConfig } from './options.js'

/**
 * Counts every registration request of the caller's address (stored hashed) in the Storage's
 * `hit` counters, and refuses one past `rateLimit.max` in the sliding window with 429 and
 * Retry-After (RFC 6585 §4), so that nobody fills the client table (RFC 7591 §5). Counting before
 * anything else makes a burst count in full: concurrent requests cannot all slip under the limit.
 * Without a known address every caller shares one count, which the start-up warning says.
 */
export async function checkRegistrationRate(provider: ProviderContext, registration: RegistrationConfig): Promise<void> {
  const { storage } = provider.config
  if (registration.rateLimit === false || typeof storage.hit !== 'function') return
  const { max, windowSeconds } = registration.rateLimit
  const address = provider.clientAddress
  const key = address ? `registration:${sha256Hex(address)}` : 'registration:no-address'
  const now = provider.config.seconds()
  const counts = await storage.hit(key, now, windowSeconds)
  // The counts include this request: it is allowed when those before it stay under the limit.
  const wait = retryAfter({ current: counts.current - 1, previous: counts.previous }, now, { maxFailures: max, windowSeconds })
  if (wait > 0) {
    throw new OAuthError('temporarily_unavailable', 'too many registrations from this address; retry later', {
      status: 429,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(wait))) },
    })
  }
}
