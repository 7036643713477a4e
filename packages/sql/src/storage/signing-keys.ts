import type { SigningKeyRecord, Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute, queryAll } from '../query.js'
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

/** OIDC signing keys; the first key is insert-if-absent, so racing instances agree on one. */
export function signingKeyMethods(driver: SqlDriver): Pick<Storage, 'listSigningKeys' | 'addSigningKey'> {
  return {
    listSigningKeys() {
      return queryAll(driver, sql`SELECT ${KEY} FROM signing_keys ORDER BY activate_at, created_at`, signingKeyShape)
    },
    async addSigningKey(key, options) {
      const statement = options?.ifNone
        ? insertRowIf('signing_keys', signingKeyShape, key, sql`NOT EXISTS (SELECT 1 FROM signing_keys)`)
        : sql`${insertRow('signing_keys', signingKeyShape, key)} ON CONFLICT (kid) DO NOTHING`
      return (await execute(driver, statement)) === 1
    },
  }
}
