import type { SigningKeyRecord, Storage } from '@grantline/core'
import type { SqlDialect, SqlDriver } from '../driver.js'
import { execute, executeBatch, queryAll } from '../query.js'
import { columnList, insertRow, insertRowIf, type Shape } from '../shapes.js'
import { sql } from '../sql-fragment.js'

const signingKeyShape: Shape<SigningKeyRecord> = {
  kid: 'text',
  alg: 'text',
  public_jwk: 'json',
  private_jwe: 'text',
  created_at: 'int',
  activate_at: 'int',
}

const KEY = columnList(signingKeyShape)

/**
 * OIDC signing keys; the first key is insert-if-absent, so racing instances agree on one. SQLite
 * runs the conditioned INSERT under its single write lock; PostgreSQL at READ COMMITTED would let
 * every racer see an empty table, so there the INSERT waits for a table lock that writers of
 * signing keys take in turn, and then sees what the winner committed.
 */
export function signingKeyMethods(driver: SqlDriver, dialect: SqlDialect): Pick<Storage, 'listSigningKeys' | 'addSigningKey'> {
  return {
    listSigningKeys() {
      return queryAll(driver, sql`SELECT ${KEY} FROM signing_keys ORDER BY activate_at, created_at`, signingKeyShape)
    },
    async addSigningKey(key, options) {
      if (!options?.ifNone)
        return (await execute(driver, sql`${insertRow('signing_keys', signingKeyShape, key)} ON CONFLICT (kid) DO NOTHING`)) === 1
      const insert = insertRowIf('signing_keys', signingKeyShape, key, sql`NOT EXISTS (SELECT 1 FROM signing_keys)`)
      if (dialect === 'sqlite') return (await execute(driver, insert)) === 1
      const [, inserted] = await executeBatch(driver, [sql`LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE`, insert])
      return inserted === 1
    },
  }
}
