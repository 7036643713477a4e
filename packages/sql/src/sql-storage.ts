import type { Storage } from '@grantline/core'
import type { SqlDialect, SqlDriver } from './driver.js'
import { cleanupMethod } from './storage/cleanup.js'
import { clientMethods } from './storage/clients.js'
import { consumableMethods } from './storage/consumables.js'
import { deviceAuthorizationMethods } from './storage/device-authorizations.js'
import { rateLimitMethods } from './storage/rate-limits.js'
import { rememberMethod } from './storage/remembered.js'
import { rotateRefreshMethod } from './storage/rotate-refresh.js'
import { signingKeyMethods } from './storage/signing-keys.js'
import { revokeSubjectMethod } from './storage/subjects.js'
import { tokenMethods } from './storage/tokens.js'

export interface SqlStorageOptions {
  /** The SQL the database speaks: SQLite and Cloudflare D1 are 'sqlite'. */
  dialect: SqlDialect
}

/**
 * A Storage over any D1-shaped driver (SQLite, Cloudflare D1, PostgreSQL), on the schema that
 * `migrate()` creates. Every atomic operation is one statement or one batch whose later
 * statements are conditioned in SQL, so it holds across processes and instances; the store
 * therefore declares `atomicConsume`. Records come back as fresh objects on every read.
 */
export function sqlStorage(driver: SqlDriver, options: SqlStorageOptions): Storage {
  return {
    capabilities: { atomicConsume: true },
    ...clientMethods(driver),
    ...consumableMethods(driver),
    ...tokenMethods(driver),
    ...signingKeyMethods(driver, options.dialect),
    ...rateLimitMethods(driver),
    ...rememberMethod(driver),
    ...deviceAuthorizationMethods(driver),
    revokeSubject: revokeSubjectMethod(driver),
    rotateRefresh: rotateRefreshMethod(driver, options.dialect),
    cleanup: cleanupMethod(driver),
  }
}
