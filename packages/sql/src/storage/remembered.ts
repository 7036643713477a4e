import type { Storage } from '@grantline/core'
import type { SqlDriver } from '../driver.js'
import { execute } from '../query.js'
import { sql } from '../sql-fragment.js'

/**
 * Single-use values in `remembered` (RFC 7523 §3 `jti`, RFC 9449 §11.1 proofs): one UPSERT that
 * inserts a new key or takes over an expired one, and changes nothing while the key is live. The
 * row count tells the caller which happened, so concurrent callers serialise on the key and
 * exactly one sees 1.
 */
export function rememberMethod(driver: SqlDriver): Required<Pick<Storage, 'remember'>> {
  return {
    async remember(kind, key, expiresAt, now) {
      const changed = await execute(
        driver,
        sql`INSERT INTO remembered (kind, key, expires_at) VALUES (${kind}, ${key}, ${expiresAt})
            ON CONFLICT (kind, key) DO UPDATE SET expires_at = excluded.expires_at WHERE remembered.expires_at <= ${now}`,
      )
      return changed > 0
    },
  }
}
