import type { AccountStore, UserRecord } from '../contracts/account-store.js'
import { randomId } from '../primitives/crypto.js'
import { DEFAULT_ITERATIONS, hashPassword } from '../primitives/django-password.js'
import { ConfigError } from '../primitives/errors.js'

/** Django's UnicodeUsernameValidator: letters, digits and @ . + - _, at most 150 characters. */
const USERNAME = /^[\p{L}\p{N}_.@+-]{1,150}$/u

/** User administration for the CLI and host code: passwords are hashed here, never stored plain. */
export interface LocalUsers {
  /** Adds a user with a new random `sub`; a taken username throws ConfigError `ERR_USERNAME_TAKEN`. */
  create(input: { username: string; password: string; claims?: Record<string, unknown> }): Promise<UserRecord>
  /**
   * Sets a new password for the user named by `sub` or, failing that, by username, and ends every
   * session of the user (as Django does): a browser signed in before the change is signed out.
   */
  setPassword(subOrUsername: string, password: string): Promise<UserRecord>
  /**
   * Removes the user and their sessions. The user's grants live in the `Storage`, which the
   * account store does not hold: call `storage.revokeSubject(sub, now)` first (RFC 9700 §4.14), so
   * a failure never leaves a deleted user with live tokens. `grantline users delete` does both in
   * one transaction.
   */
  delete(sub: string): Promise<void>
  list(): Promise<UserRecord[]>
}

/**
 * `localAccounts(...).users`, also usable alone (a CLI has no use for the CSRF secrets).
 * `iterations` is the PBKDF2 count of new hashes; `now` answers epoch milliseconds.
 */
export function localUsers(store: AccountStore, options: { iterations?: number; now?: () => number } = {}): LocalUsers {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS
  const now = options.now ?? Date.now
  const checkPassword = (password: string) => {
    if (typeof password !== 'string' || password === '') throw new ConfigError('ERR_INVALID_PASSWORD', 'the password must not be empty')
  }

  return {
    async create({ username, password, claims = {} }) {
      if (!USERNAME.test(username)) {
        throw new ConfigError('ERR_INVALID_USERNAME', 'a username has 1-150 letters, digits and @ . + - _ (as in Django)')
      }
      checkPassword(password)
      const user: UserRecord = {
        sub: randomId(),
        username,
        password_hash: await hashPassword(password, iterations),
        claims: { ...claims },
        created_at: Math.floor(now() / 1000),
      }
      if (!(await store.createUser(user))) throw new ConfigError('ERR_USERNAME_TAKEN', `the username "${username}" is taken`)
      return user
    },
    async setPassword(subOrUsername, password) {
      checkPassword(password)
      const user = (await store.getUser(subOrUsername)) ?? (await store.findUserByUsername(subOrUsername))
      if (!user) throw new ConfigError('ERR_UNKNOWN_USER', `no user has the sub or username "${subOrUsername}"`)
      const updated = { ...user, password_hash: await hashPassword(password, iterations) }
      await store.updateUser(updated)
      await store.deleteUserSessions(user.sub)
      return updated
    },
    delete: (sub) => store.deleteUser(sub),
    list: () => store.listUsers(),
  }
}
