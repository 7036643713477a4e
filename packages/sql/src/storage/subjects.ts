import type { Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { executeBatch } from '../query.js'
import { type SqlFragment, sql } from '../sql-fragment.js'

/**
 * The statements that revoke every consent and family of `sub` by setting `revoked_at`: token
 * rows are never touched, since every token read joins its family and consent. Families are
 * found through `families_sub`, consents through `consents_sub_client`.
 */
export function revokeSubjectStatements(sub: string, now: number): SqlFragment[] {
  return [
    sql`UPDATE consents SET revoked_at = ${now} WHERE sub = ${sub} AND revoked_at IS NULL`,
    sql`UPDATE families SET revoked_at = ${now} WHERE sub = ${sub} AND revoked_at IS NULL`,
  ]
}

/** `revokeSubject` as one batch (one transaction): a user's grants end together. */
export function revokeSubjectMethod(driver: SqlDriver): Storage['revokeSubject'] {
  return async (sub, now) => {
    await executeBatch(driver, revokeSubjectStatements(sub, now))
  }
}
