import type { AccountStore } from '@grantline/core'
import type { SqlDriver } from './driver.js'
import { execute, executeBatch, queryAll, queryOne } from './query.js'
import { columnList, insertRow, sessionShape, upsertRow, userShape } from './shapes.js'
import { type SqlFragment, sql, statement } from './sql-fragment.js'
import type { SqlStorageOptions } from './sql-storage.js'

const USER = columnList(userShape)

// Expired sessions are swept a few at a time as new ones are made: cleanupFailures() covers failed logins only.
const SESSION_SWEEP = 100

async function countSince(driver: SqlDriver, key: string, since: number): Promise<number> {
  const row = await statement(
    driver,
    sql`SELECT COUNT(*) AS n FROM login_failures WHERE failure_key = ${key} AND failed_at > ${since}`,
  ).first<{ n: unknown }>()
  return Number(row?.n ?? 0)
}

/** The statements that remove a user and their sessions. */
export function deleteUserStatements(sub: string): SqlFragment[] {
  return [sql`DELETE FROM sessions WHERE sub = ${sub}`, sql`DELETE FROM users WHERE sub = ${sub}`]
}

/**
 * The AccountStore of `localAccounts` on the tables of `migrate()`: users (unique username,
 * Django password hashes), server-side sessions keyed by the SHA-256 of their cookie, and
 * failed-login counters for lockout. Behaves as `memoryAccountStore` does. The SQL is the same
 * for every dialect; `options` is taken for symmetry with `sqlStorage`.
 */
export function sqlAccountStore(driver: SqlDriver, _options?: SqlStorageOptions): AccountStore {
  return {
    getUser(sub) {
      return queryOne(driver, sql`SELECT ${USER} FROM users WHERE sub = ${sub}`, userShape)
    },
    findUserByUsername(username) {
      return queryOne(driver, sql`SELECT ${USER} FROM users WHERE username = ${username}`, userShape)
    },
    async createUser(user) {
      // The primary key (sub) and the unique username both refuse a duplicate, atomically.
      return (await execute(driver, sql`${insertRow('users', userShape, user)} ON CONFLICT DO NOTHING`)) === 1
    },
    async updateUser(user) {
      // A username owned by another user fails on the unique index, as the memory store throws.
      await execute(
        driver,
        sql`UPDATE users SET username = ${user.username}, password_hash = ${user.password_hash}, claims = ${JSON.stringify(user.claims)},
            created_at = ${user.created_at} WHERE sub = ${user.sub}`,
      )
    },
    async deleteUser(sub) {
      await executeBatch(driver, deleteUserStatements(sub))
    },
    listUsers() {
      return queryAll(driver, sql`SELECT ${USER} FROM users ORDER BY created_at, username`, userShape)
    },

    async createSession(session) {
      await executeBatch(driver, [
        sql`DELETE FROM sessions WHERE hash IN (SELECT hash FROM sessions WHERE expires_at <= ${session.auth_time} LIMIT ${SESSION_SWEEP})`,
        upsertRow('sessions', sessionShape, 'hash', session),
      ])
    },
    getSession(hash, now) {
      return queryOne(
        driver,
        sql`SELECT ${columnList(sessionShape)} FROM sessions WHERE hash = ${hash} AND expires_at > ${now}`,
        sessionShape,
      )
    },
    async deleteSession(hash) {
      await execute(driver, sql`DELETE FROM sessions WHERE hash = ${hash}`)
    },
    async deleteUserSessions(sub) {
      await execute(driver, sql`DELETE FROM sessions WHERE sub = ${sub}`)
    },

    async recordFailure(key, now, windowSeconds) {
      const since = now - windowSeconds
      await executeBatch(driver, [
        sql`DELETE FROM login_failures WHERE failure_key = ${key} AND failed_at <= ${since}`,
        sql`INSERT INTO login_failures (failure_key, failed_at) VALUES (${key}, ${now})`,
      ])
      return countSince(driver, key, since)
    },
    countFailures(key, now, windowSeconds) {
      return countSince(driver, key, now - windowSeconds)
    },
    async clearFailures(key) {
      await execute(driver, sql`DELETE FROM login_failures WHERE failure_key = ${key}`)
    },
    cleanupFailures(before, limit) {
      // Bounded like Storage.cleanup: one short statement per batch, whatever the backlog.
      return execute(
        driver,
        sql`DELETE FROM login_failures WHERE (failure_key, failed_at) IN
            (SELECT failure_key, failed_at FROM login_failures WHERE failed_at <= ${before} LIMIT ${limit})`,
      )
    },
  }
}
