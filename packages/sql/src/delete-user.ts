import type { SqlDriver } from './driver.js'
import { executeBatch } from './query.js'
import { deleteUserStatements } from './sql-account-store.js'
import { revokeSubjectStatements } from './storage/subjects.js'

/**
 * Deletes a local user with every grant of theirs, for a server whose `sqlAccountStore` and
 * `sqlStorage` share one database: the user's consents and families are revoked (as
 * `Storage.revokeSubject` does) and the account and its sessions removed, in one batch (one
 * transaction). Either the user is gone and none of their tokens works any more, or nothing
 * changed: a failure never leaves a deleted user with live tokens (RFC 9700 §4.14, RFC 7009 §2.1).
 */
export async function deleteUserWithGrants(driver: SqlDriver, sub: string, now: number): Promise<void> {
  await executeBatch(driver, [...revokeSubjectStatements(sub, now), ...deleteUserStatements(sub)])
}
