import { applyDevicePoll, type DevicePollResult, type Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute, queryOne } from '../query.js'
import { columnList, deviceAuthorizationShape, insertRow } from '../shapes.js'
import { sql } from '../sql-fragment.js'

type DeviceMethods = Required<
  Pick<Storage, 'createDeviceAuthorization' | 'findDeviceAuthorization' | 'decideDeviceAuthorization' | 'pollDeviceAuthorization'>
>

// A poll that keeps losing to concurrent polls of the same code is polling too fast anyway.
const MAX_POLL_ATTEMPTS = 5

/**
 * Device authorizations (RFC 8628) in `device_authorizations`. A decision is one conditional
 * UPDATE on a pending row. A poll reads the row, works out the next state, and writes it only if
 * the row is still what it read (compare-and-set on the poll bookkeeping and consumed_at), so of
 * concurrent polls exactly one moves it; the others read again and see they came too soon.
 */
export function deviceAuthorizationMethods(driver: SqlDriver): DeviceMethods {
  const columns = columnList(deviceAuthorizationShape)
  const read = (hash: string, clientId: string) =>
    queryOne(
      driver,
      sql`SELECT ${columns} FROM device_authorizations WHERE device_code_hash = ${hash} AND client_id = ${clientId}`,
      deviceAuthorizationShape,
    )
  return {
    async createDeviceAuthorization(record) {
      await execute(driver, insertRow('device_authorizations', deviceAuthorizationShape, record))
    },
    findDeviceAuthorization(userCodeHash, now) {
      return queryOne(
        driver,
        sql`SELECT ${columns} FROM device_authorizations
            WHERE user_code_hash = ${userCodeHash} AND status = 'pending' AND expires_at > ${now}`,
        deviceAuthorizationShape,
      )
    },
    async decideDeviceAuthorization(userCodeHash, decision, now) {
      const sub = decision.status === 'approved' ? decision.sub : null
      const authTime = decision.status === 'approved' ? decision.auth_time : null
      const changed = await execute(
        driver,
        sql`UPDATE device_authorizations SET status = ${decision.status}, sub = ${sub}, auth_time = ${authTime}
            WHERE user_code_hash = ${userCodeHash} AND status = 'pending' AND expires_at > ${now}`,
      )
      return changed > 0
    },
    async pollDeviceAuthorization(deviceCodeHash, clientId, now) {
      let result: DevicePollResult = { status: 'absent' }
      for (let attempt = 0; attempt < MAX_POLL_ATTEMPTS; attempt++) {
        const row = await read(deviceCodeHash, clientId)
        const before = row ? { ...row } : undefined
        result = applyDevicePoll(row ?? undefined, now)
        if (!before || !row || result.status === 'absent' || result.status === 'expired' || result.status === 'reused') return result
        const lastPolled = before.last_polled_at === null ? sql`last_polled_at IS NULL` : sql`last_polled_at = ${before.last_polled_at}`
        const changed = await execute(
          driver,
          sql`UPDATE device_authorizations
              SET poll_interval = ${row.poll_interval}, last_polled_at = ${row.last_polled_at}, consumed_at = ${row.consumed_at}
              WHERE device_code_hash = ${deviceCodeHash} AND consumed_at IS NULL AND status = ${before.status}
                AND poll_interval = ${before.poll_interval} AND ${lastPolled}`,
        )
        if (changed > 0) return result
      }
      const row = await read(deviceCodeHash, clientId)
      return row && row.consumed_at === null ? { status: 'slow_down', record: row } : applyDevicePoll(row ?? undefined, now)
    },
  }
}
