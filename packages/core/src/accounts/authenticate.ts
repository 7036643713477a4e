import type { AccountStore, UserRecord } from '../contracts/account-store.js'
import type { HashSlots } from '../contracts/accounts.js'
import { hashPassword, MAX_ITERATIONS, parsePasswordHash, verifyPassword } from '../primitives/django-password.js'
import { createHashSlots } from '../primitives/hash-slots.js'
import { addressBucket } from '../rate-limit/address-bucket.js'
import type { ResolvedLocalAccountsOptions } from './options.js'

/** Django's `username` max_length: longer input is not looked up at all. */
const MAX_USERNAME = 150
/** A derivation takes a fraction of a second: by then a slot is likely free. */
const BUSY_RETRY_AFTER = 1

export type AuthenticationResult =
  | { status: 'ok'; user: UserRecord }
  | { status: 'invalid' }
  /** Too many recent failures: the password was not checked. `retryAfter` is in seconds. */
  | { status: 'locked'; retryAfter: number }
  /** Too many passwords being checked at once: this one was not, and nothing was counted. */
  | { status: 'busy'; retryAfter: number }

export type Authenticate = (username: string, password: string, clientAddress?: string) => Promise<AuthenticationResult>

/**
 * Checks a username and password for the login form and the password grant alike. Failures are
 * counted per username and per client address; past `maxFailures` for the username, or
 * `maxFailuresPerAddress` for the address (password spraying), within `lockoutSeconds` the
 * password is not checked. At most `hashConcurrency` derivations run at once; past that the
 * attempt is refused as busy (RFC 6585 §4), so a flood of logins cannot stall the server. Unknown
 * users cost one derivation too, so timing does not reveal them (Django's ModelBackend hashes for
 * them as well). A hash with another iteration count is replaced on success.
 */
export function createAuthenticate(
  store: AccountStore,
  options: ResolvedLocalAccountsOptions,
  slots: HashSlots = createHashSlots(options.hashConcurrency),
): Authenticate {
  const { iterations, lockoutSeconds } = options
  // Same algorithm, count and lengths as a real hash; it matches no password.
  const dummy = `pbkdf2_sha256$${iterations}$${'0'.repeat(22)}$${'A'.repeat(43)}=`
  const limits = (username: string, address: string | undefined): [string, number][] => [
    [`username:${username}`, options.maxFailures],
    ...(address ? [[`address:${addressBucket(address)}`, options.maxFailuresPerAddress] as [string, number]] : []),
  ]

  /** The derivation (and the rehash it may call for) inside one slot; null when none is free. */
  async function check(user: UserRecord | null, password: string): Promise<{ ok: boolean; rehashed?: string } | null> {
    const free = slots.take()
    if (!free) return null
    try {
      const stored = user ? parsePasswordHash(user.password_hash) : null
      const checkable = user !== null && stored !== null && stored.iterations <= MAX_ITERATIONS
      const result = await verifyPassword(password, checkable ? user.password_hash : dummy, { iterations })
      if (!checkable || !result.ok) return { ok: false }
      return result.needsRehash ? { ok: true, rehashed: await hashPassword(password, iterations) } : { ok: true }
    } finally {
      free()
    }
  }

  return async (username, password, clientAddress) => {
    const counted = limits(username, clientAddress)
    const now = options.seconds()
    for (const [key, max] of counted) {
      if ((await store.countFailures(key, now, lockoutSeconds)) >= max) return { status: 'locked', retryAfter: lockoutSeconds }
    }
    const user = username.length <= MAX_USERNAME ? await store.findUserByUsername(username) : null
    const checked = await check(user, password)
    if (!checked) return { status: 'busy', retryAfter: BUSY_RETRY_AFTER }
    if (!user || !checked.ok) {
      for (const [key] of counted) await store.recordFailure(key, now, lockoutSeconds)
      return { status: 'invalid' }
    }
    // Only the username's counter: clearing the address's would let one valid account reset it.
    await store.clearFailures(`username:${username}`)
    if (checked.rehashed === undefined) return { status: 'ok', user }
    const rehashed = { ...user, password_hash: checked.rehashed }
    await store.updateUser(rehashed)
    return { status: 'ok', user: rehashed }
  }
}
