import type { SqlDriver } from './driver.js'
import { executeBatch } from './query.js'
import { deleteUserStatements } from './sql-account-store.js'
import { type SqlFragment, sql } from './sql-fragment.js'
import { revokeSubjectStatements } from './storage/subjects.js'

/**
 * Deletes a local user with every grant of theirs, for a server whose `sqlAccountStore` and
 * `sqlStorage` share one database: the user's consents and families are revoked (as
 * `Storage.revokeSubject` does), the applications they own are deleted with every grant of those
 * (as Django deletes a user's DOT applications with the user), and the account and its sessions
 * removed, in one batch (one transaction). Either the user is gone and none of their tokens or
 * applications works any more, or nothing changed: a failure never leaves a deleted user with live
 * tokens (RFC 9700 §4.14, RFC 7009 §2.1).
 */
export async function deleteUserWithGrants(driver: SqlDriver, sub: string, now: number): Promise<void> {
  await executeBatch(driver, [
    ...revokeSubjectStatements(sub, now),
    ...deleteOwnedClientsStatements(sub, now),
    ...deleteUserStatements(sub),
  ])
}

/** The applications `sub` owns: their grants revoked (a client id is never reused), then the rows deleted. */
function deleteOwnedClientsStatements(sub: string, now: number): SqlFragment[] {
  const owned = sql`SELECT client_id FROM clients WHERE owner_sub = ${sub}`
  return [
    sql`UPDATE families SET revoked_at = ${now} WHERE revoked_at IS NULL AND client_id IN (${owned})`,
    sql`UPDATE consents SET revoked_at = ${now} WHERE revoked_at IS NULL AND client_id IN (${owned})`,
    sql`DELETE FROM clients WHERE owner_sub = ${sub}`,
  ]
}
