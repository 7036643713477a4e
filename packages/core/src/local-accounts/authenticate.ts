import type { AccountStore, UserRecord } from '../account-store.js'
import { hashPassword, MAX_ITERATIONS, parsePasswordHash, verifyPassword } from './django-password.js'
import type { ResolvedLocalAccountsOptions } from './options.js'

/** Django's `username` max_length: longer input is not looked up at all. */
const MAX_USERNAME = 150

export type AuthenticationResult =
  | { status: 'ok'; user: UserRecord }
  | { status: 'invalid' }
  /** Too many recent failures: the password was not checked. `retryAfter` is in seconds. */
  | { status: 'locked'; retryAfter: number }

export type Authenticate = (username: string, password: string, clientAddress?: string) => Promise<AuthenticationResult>

/**
 * Checks a username and password for the login form and the password grant alike. Failures are
 * counted per username and per client address; past `maxFailures` within `lockoutSeconds` the
 * password is not checked. Unknown users cost one derivation too, so timing does not reveal
 * them (Django's ModelBackend hashes for them as well). A hash with another iteration count is
 * replaced on success.
 */
export function createAuthenticate(store: AccountStore, options: ResolvedLocalAccountsOptions): Authenticate {
  const { iterations, maxFailures, lockoutSeconds } = options
  // Same algorithm, count and lengths as a real hash; it matches no password.
  const dummy = `pbkdf2_sha256$${iterations}$${'0'.repeat(22)}$${'A'.repeat(43)}=`

  return async (username, password, clientAddress) => {
    const keys = [`username:${username}`, ...(clientAddress ? [`address:${clientAddress}`] : [])]
    const now = options.seconds()
    for (const key of keys) {
      if ((await store.countFailures(key, now, lockoutSeconds)) >= maxFailures) return { status: 'locked', retryAfter: lockoutSeconds }
    }
    const user = username.length <= MAX_USERNAME ? await store.findUserByUsername(username) : null
    const stored = user ? parsePasswordHash(user.password_hash) : null
    const checkable = stored !== null && stored.iterations <= MAX_ITERATIONS
    const result = await verifyPassword(password, checkable && user ? user.password_hash : dummy, { iterations })
    if (!user || !checkable || !result.ok) {
      for (const key of keys) await store.recordFailure(key, now, lockoutSeconds)
      return { status: 'invalid' }
    }
    // Only the username's counter: clearing the address's would let one valid account reset it.
    await store.clearFailures(`username:${username}`)
    if (!result.needsRehash) return { status: 'ok', user }
    const rehashed = { ...user, password_hash: await hashPassword(password, iterations) }
    await store.updateUser(rehashed)
    return { status: 'ok', user: rehashed }
  }
}
