import type { Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute, executeBatch } from '../query.js'
import { raw, type SqlFragment, sql, statement } from '../sql-fragment.js'
import { revokeClientGrants } from './clients.js'

interface Sweep {
  table: string
  key: string
  dead(now: number): SqlFragment
}

const expired = (now: number) => sql`expires_at <= ${now}`
const revoked = () => sql`revoked_at IS NOT NULL`

// Consumed codes and interactions stay until they expire (tombstones), and so do used refresh
// tokens: a replay must still be recognised. Expired and revoked rows are separate sweeps: each
// condition has its own index, where `expired OR revoked` would scan the whole table (every live
// row, under the write lock) for each batch.
const SWEEPS: Sweep[] = [
  { table: 'codes', key: 'hash', dead: expired },
  { table: 'interactions', key: 'id', dead: expired },
  { table: 'initial_access_tokens', key: 'hash', dead: expired },
  { table: 'pushed_requests', key: 'hash', dead: expired },
  { table: 'remembered', key: 'key', dead: expired },
  { table: 'device_authorizations', key: 'device_code_hash', dead: expired },
  { table: 'access_tokens', key: 'hash', dead: expired },
  { table: 'access_tokens', key: 'hash', dead: revoked },
  { table: 'refresh_tokens', key: 'hash', dead: expired },
  { table: 'refresh_tokens', key: 'hash', dead: revoked },
  { table: 'families', key: 'id', dead: expired },
  { table: 'families', key: 'id', dead: revoked },
  { table: 'consents', key: 'id', dead: revoked },
  { table: 'rate_limits', key: 'rate_key', dead: expired },
]

/**
 * DOT's `cleartokens`: deletes expired and revoked rows, at most `limit` per call, each table in
 * bounded `DELETE ... WHERE key IN (SELECT key ... LIMIT n)` steps, so no statement holds the
 * write lock for long, and only where a read found something to delete. Revocation never depends on these rows being gone.
 */
export function cleanupMethod(driver: SqlDriver): Storage['cleanup'] {
  return async (now, limit = 10_000, options) => {
    const idle = options?.unusedDynamicClientSeconds
    let removed = idle === undefined ? 0 : await removeUnusedDynamicClients(driver, now, now - idle, limit)
    for (const { table, key, dead } of SWEEPS) {
      if (removed >= limit) break
      const [name, column] = [raw(table), raw(key)]
      // A read first: most sweeps find nothing, and a DELETE would take the write lock for it.
      if (!(await statement(driver, sql`SELECT 1 FROM ${name} WHERE ${dead(now)} LIMIT 1`).first())) continue
      removed += await execute(
        driver,
        sql`DELETE FROM ${name} WHERE ${column} IN (SELECT ${column} FROM ${name} WHERE ${dead(now)} LIMIT ${limit - removed})`,
      )
    }
    return removed
  }
}

/**
 * About how many rows `cleanup` at `now` would remove, for a progress display: each sweep's rows,
 * a row both expired and revoked counted once (its revoked sweep counts only unexpired rows).
 * Unused dynamic clients are left out: a few at most. One COUNT per sweep, over its index.
 */
export async function countCleanup(driver: SqlDriver, now: number): Promise<number> {
  let total = 0
  for (const { table, dead } of SWEEPS) {
    const condition =
      dead === revoked && SWEEPS.some((other) => other.table === table && other.dead === expired)
        ? sql`${dead(now)} AND expires_at > ${now}`
        : dead(now)
    const row = await statement(driver, sql`SELECT COUNT(*) AS n FROM ${raw(table)} WHERE ${condition}`).first<{ n: unknown }>()
    total += Number(row?.n ?? 0)
  }
  return total
}

/**
 * Deletes up to `limit` dynamic clients (RFC 7591) created by `cutoff` that no family shows in
 * use: none created since `cutoff`, none still live. The condition and the delete are one
 * statement; the deleted clients' consents and families are then revoked as deleteClient does
 * (their tokens already stopped with the client row, which every token read joins).
 */
async function removeUnusedDynamicClients(driver: SqlDriver, now: number, cutoff: number, limit: number): Promise<number> {
  const unused = sql`SELECT c.client_id FROM clients c WHERE c.dynamic = 1 AND c.created_at <= ${cutoff}
    AND NOT EXISTS (SELECT 1 FROM families f WHERE f.client_id = c.client_id
      AND (f.created_at > ${cutoff} OR (f.revoked_at IS NULL AND f.expires_at > ${now}))) LIMIT ${limit}`
  if (!(await statement(driver, unused).first())) return 0
  const { results } = await statement(driver, sql`DELETE FROM clients WHERE client_id IN (${unused}) RETURNING client_id`).all<{
    client_id: unknown
  }>()
  const ids = results.map((row) => String(row.client_id))
  if (ids.length > 0) await executeBatch(driver, revokeClientGrants(ids, now))
  return ids.length
}
