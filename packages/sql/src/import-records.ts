import type { AccessTokenRecord, Client, Consent, Family, RefreshTokenRecord, UserRecord } from '@grantline/core'
import type { SqlDriver } from './driver.js'
import { executeBatch } from './query.js'
import { consentShape, familyShape, type Shape, userShape, valueList } from './shapes.js'
import { joinSql, raw, type SqlFragment, sql } from './sql-fragment.js'

/**
 * The columns an imported client fills; the others (dynamic registration, a rotated
 * secret) keep their column defaults, which are what a client registered by the operator has.
 */
export type ImportedClient = Pick<
  Client,
  | 'client_id'
  | 'client_name'
  | 'client_type'
  | 'token_endpoint_auth_method'
  | 'grant_types'
  | 'response_types'
  | 'redirect_uris'
  | 'post_logout_redirect_uris'
  | 'scope'
  | 'allowed_cors_origins'
  | 'skip_authorization'
  | 'introspection'
  | 'owner_sub'
  | 'created_at'
  | 'secret_hash'
  | 'metadata'
>

/** An imported access token: a Bearer token (no DPoP key), for the resources it was imported for (RFC 8707). */
export type ImportedAccessToken = Pick<
  AccessTokenRecord,
  'hash' | 'family_id' | 'client_id' | 'sub' | 'scopes' | 'audience' | 'created_at' | 'expires_at' | 'revoked_at'
>

/**
 * An imported refresh token. One the other server had rotated away keeps `used_at`, with no
 * successor named: presenting it again is a reuse, which ends its grant (RFC 9700 §4.14.2).
 */
export type ImportedRefreshToken = Pick<
  RefreshTokenRecord,
  'hash' | 'family_id' | 'client_id' | 'sub' | 'scopes' | 'access_hash' | 'created_at' | 'expires_at' | 'revoked_at' | 'used_at'
>

/** Records made elsewhere (another authorization server's database), written as they are. */
export interface ImportRecords {
  clients: ImportedClient[]
  users: UserRecord[]
  consents: Consent[]
  families: Family[]
  accessTokens: ImportedAccessToken[]
  refreshTokens: ImportedRefreshToken[]
}

/** How many rows each table gained; a row whose key was there already is left as it was. */
export interface ImportCounts {
  clients: number
  users: number
  consents: number
  families: number
  accessTokens: number
  refreshTokens: number
}

const clientColumns: Shape<ImportedClient> = {
  client_id: 'text',
  client_name: 'text',
  client_type: 'text',
  token_endpoint_auth_method: 'text',
  grant_types: 'json',
  response_types: 'json',
  redirect_uris: 'json',
  post_logout_redirect_uris: 'json',
  scope: 'text',
  allowed_cors_origins: 'json',
  skip_authorization: 'bool',
  introspection: 'bool',
  owner_sub: 'text?',
  created_at: 'int',
  secret_hash: 'text?',
  metadata: 'json',
}

const accessColumns: Shape<ImportedAccessToken> = {
  hash: 'text',
  family_id: 'text',
  client_id: 'text',
  sub: 'text?',
  scopes: 'json',
  audience: 'json',
  created_at: 'int',
  expires_at: 'int',
  revoked_at: 'int?',
}

const refreshColumns: Shape<ImportedRefreshToken> = {
  hash: 'text',
  family_id: 'text',
  client_id: 'text',
  sub: 'text?',
  scopes: 'json',
  access_hash: 'text?',
  created_at: 'int',
  expires_at: 'int',
  revoked_at: 'int?',
  used_at: 'int?',
}

const NONE: ImportCounts = { clients: 0, users: 0, consents: 0, families: 0, accessTokens: 0, refreshTokens: 0 }

/** Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const ROWS_PER_INSERT = 200

/** `INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING`, in statements of ROWS_PER_INSERT rows. */
function insertsOf<T>(table: string, shape: Shape<T>, records: readonly T[]): SqlFragment[] {
  const columns = raw(Object.keys(shape).join(', '))
  const statements: SqlFragment[] = []
  for (let start = 0; start < records.length; start += ROWS_PER_INSERT) {
    const rows = records.slice(start, start + ROWS_PER_INSERT).map((record) => valueList(shape, record))
    statements.push(sql`INSERT INTO ${raw(table)} (${columns}) VALUES ${joinSql(rows, ', ')} ON CONFLICT DO NOTHING`)
  }
  return statements
}

/**
 * Writes imported records in one batch (one transaction, or one savepoint inside `transaction`):
 * all of them or, on any failure, none. A row whose primary key (or a user's username) exists
 * already is left unchanged, so running the same import again adds only what is new. Answers the
 * rows each table gained.
 */
export async function importRecords(driver: SqlDriver, records: Partial<ImportRecords>): Promise<ImportCounts> {
  const tables = [
    insertsOf('clients', clientColumns, records.clients ?? []),
    insertsOf('users', userShape, records.users ?? []),
    insertsOf('consents', consentShape, records.consents ?? []),
    insertsOf('families', familyShape, records.families ?? []),
    insertsOf('access_tokens', accessColumns, records.accessTokens ?? []),
    insertsOf('refresh_tokens', refreshColumns, records.refreshTokens ?? []),
  ]
  if (tables.every((statements) => statements.length === 0)) return { ...NONE }
  const changes = await executeBatch(driver, tables.flat())
  const sums: number[] = []
  let at = 0
  for (const statements of tables) {
    sums.push(changes.slice(at, at + statements.length).reduce((sum, n) => sum + n, 0))
    at += statements.length
  }
  const [clients = 0, users = 0, consents = 0, families = 0, accessTokens = 0, refreshTokens = 0] = sums
  return { clients, users, consents, families, accessTokens, refreshTokens }
}

/** Writes one part of an import, inside the import's transaction; answers the rows each table gained. */
export type ImportWriter = (records: Partial<ImportRecords>) => Promise<ImportCounts>

/**
 * Runs `fn` in one transaction in which `write` adds imported records part by part (as
 * `importRecords` does), so that an import larger than memory is still all or nothing: it takes
 * effect when `fn` resolves, and nothing of it when `fn` or a write throws. Needs a driver with
 * `transaction` (SQLite and PostgreSQL; not D1).
 */
export async function importInTransaction<T>(driver: SqlDriver, fn: (write: ImportWriter) => Promise<T>): Promise<T> {
  if (!driver.transaction) throw new TypeError('this SQL driver has no open transaction (transaction()) to import into')
  return driver.transaction((tx) => fn((records) => importRecords(tx, records)))
}
