/**
 * Storage for `localAccounts`: users, server-side sessions and failed-login counters. Kept apart
 * from `Storage` so a custom protocol Storage need not hold users.
 */

export interface UserRecord {
  sub: string
  /** Unique, compared exactly as given (Django's default username field). */
  username: string
  /** Django's format: `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`. */
  password_hash: string
  /** OIDC standard claims of the user (name, email, ...), as stored. */
  claims: Record<string, unknown>
  created_at: number
}

export interface SessionRecord {
  /** SHA-256 hex of the cookie's random id; the id itself is never stored. */
  hash: string
  sub: string
  /** Epoch seconds of the login that made the session. */
  auth_time: number
  expires_at: number
}

export interface AccountStore {
  getUser(sub: string): Promise<UserRecord | null>
  findUserByUsername(username: string): Promise<UserRecord | null>
  /** Inserts a user; false when the username or sub is taken. */
  createUser(user: UserRecord): Promise<boolean>
  /** Replaces the user with the same sub (password change, claims). */
  updateUser(user: UserRecord): Promise<void>
  /** Removes the user and their sessions. */
  deleteUser(sub: string): Promise<void>
  listUsers(): Promise<UserRecord[]>

  createSession(session: SessionRecord): Promise<void>
  /** An unexpired session at `now` (epoch seconds), or null. */
  getSession(hash: string, now: number): Promise<SessionRecord | null>
  deleteSession(hash: string): Promise<void>
  /** Ends every session of `sub` (a password change signs the user out everywhere, as Django does). */
  deleteUserSessions(sub: string): Promise<void>

  /** Counts a failed login for `key` and answers the failures within the last `windowSeconds`. */
  recordFailure(key: string, now: number, windowSeconds: number): Promise<number>
  /** The failures for `key` within the last `windowSeconds`. */
  countFailures(key: string, now: number, windowSeconds: number): Promise<number>
  clearFailures(key: string): Promise<void>
  /**
   * Removes at most `limit` failed-login records made at or before `before` (epoch seconds: now
   * minus the lockout window, so none that still counts), of any key; answers how many it
   * removed, so a caller repeats while it gets `limit`. A key that fails once and never again
   * would otherwise keep its record for good (`grantline tokens clear` calls this).
   */
  cleanupFailures(before: number, limit: number): Promise<number>
}
