import type { Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute } from '../query.js'
import { raw, type SqlFragment, sql, statement } from '../sql-fragment.js'

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
  return async (now, limit = 10_000) => {
    let removed = 0
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
