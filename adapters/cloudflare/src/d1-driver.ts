import { ConfigError } from '@grantline/core'
import type { SqlDriver } from '@grantline/sql'
import type { D1DatabaseLike } from './bindings.js'

/**
 * D1 as a `@grantline/sql` driver. The driver contract is D1's own shape, so this is the binding
 * itself: `batch` runs its statements as one transaction, `first` answers a row or null,
 * `run().meta.changes` counts changed rows; the D1 conformance run in workerd pins each of these.
 * It refuses a read-replication session (`withSession()`): a session may read from a replica
 * that lags the primary, and a consume or revocation check must see every earlier write. There is
 * no `exec`, so `migrate()` refuses it: Workers never migrate at run time; wrangler applies
 * `@grantline/sql/migrations/sqlite`.
 */
export function d1Driver(db: D1DatabaseLike): SqlDriver {
  if (typeof db?.prepare !== 'function' || typeof db.batch !== 'function') {
    throw new ConfigError('ERR_INVALID_CONFIG', 'd1Driver: expected a D1 binding such as env.DB (wrangler d1_databases)')
  }
  if ('getBookmark' in db) {
    throw new ConfigError(
      'ERR_D1_SESSION',
      'd1Driver: pass the D1 binding itself, not a withSession() session: Grantline reads the primary',
    )
  }
  return {
    prepare: (sql) => db.prepare(sql),
    batch: (statements) => db.batch(statements),
  }
}
