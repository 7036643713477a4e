import type { Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute, executeBatch, queryAll, queryOne } from '../query.js'
import { clientShape, columnList, consentShape, upsertRow } from '../shapes.js'
import { joinSql, type SqlFragment, sql } from '../sql-fragment.js'

type ClientMethods = Pick<
  Storage,
  'getClient' | 'putClient' | 'deleteClient' | 'listClients' | 'findConsent' | 'putConsent' | 'listConsents' | 'revokeConsent'
>

const CLIENT = columnList(clientShape)
const CONSENT = columnList(consentShape)

/**
 * The statements that revoke every consent and family of the clients `ids` (RFC 7592 §2.3):
 * revoking the families keeps a re-registered client_id from reviving old tokens, and the
 * consents from being reused or listed. Found through consents_client and families_client.
 */
export function revokeClientGrants(ids: string[], now: number): SqlFragment[] {
  const list = joinSql(
    ids.map((id) => sql`${id}`),
    ', ',
  )
  return [
    sql`UPDATE consents SET revoked_at = ${now} WHERE client_id IN (${list}) AND revoked_at IS NULL`,
    sql`UPDATE families SET revoked_at = ${now} WHERE client_id IN (${list}) AND revoked_at IS NULL`,
  ]
}

/** Client registrations (RFC 7591 fields) and the consents users gave them. */
export function clientMethods(driver: SqlDriver): ClientMethods {
  return {
    getClient(clientId) {
      return queryOne(driver, sql`SELECT ${CLIENT} FROM clients WHERE client_id = ${clientId}`, clientShape)
    },
    async putClient(client) {
      await execute(driver, upsertRow('clients', clientShape, 'client_id', client))
    },
    async deleteClient(clientId, now) {
      await executeBatch(driver, [sql`DELETE FROM clients WHERE client_id = ${clientId}`, ...revokeClientGrants([clientId], now)])
    },
    listClients(filter) {
      const where = filter?.owner_sub === undefined ? sql`` : sql`WHERE owner_sub = ${filter.owner_sub}`
      return queryAll(driver, sql`SELECT ${CLIENT} FROM clients ${where} ORDER BY created_at, client_id`, clientShape)
    },

    findConsent(sub, clientId) {
      return queryOne(
        driver,
        sql`SELECT ${CONSENT} FROM consents WHERE sub = ${sub} AND client_id = ${clientId} AND revoked_at IS NULL
            ORDER BY created_at DESC, seq DESC LIMIT 1`,
        consentShape,
      )
    },
    async putConsent(consent) {
      await execute(driver, upsertRow('consents', consentShape, 'id', consent))
    },
    listConsents(sub) {
      return queryAll(
        driver,
        sql`SELECT ${CONSENT} FROM consents WHERE sub = ${sub} AND revoked_at IS NULL ORDER BY created_at, seq`,
        consentShape,
      )
    },
    async revokeConsent(id, now) {
      return (await execute(driver, sql`UPDATE consents SET revoked_at = ${now} WHERE id = ${id} AND revoked_at IS NULL`)) > 0
    },
  }
}
