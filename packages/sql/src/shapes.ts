import type {
  AccessTokenRecord,
  Client,
  CodeRecord,
  Consent,
  DeviceAuthorization,
  Family,
  InitialAccessToken,
  Interaction,
  PushedRequest,
  RefreshTokenRecord,
  SessionRecord,
  UserRecord,
} from '@grantline/core'
import type { SqlValue } from './driver.js'
import { raw, SqlFragment, sql } from './sql-fragment.js'

/**
 * How a record field is stored: text, integer (epoch seconds), boolean as 0/1, or JSON text.
 * A trailing `?` allows NULL. Columns are named exactly as the record's fields.
 */
export type ColumnKind = 'text' | 'text?' | 'int' | 'int?' | 'bool' | 'json' | 'json?'

/** A table's columns, in order, one per field of `T`. */
export type Shape<T> = { readonly [K in keyof T]-?: ColumnKind }

export type Row = Record<string, unknown>

export const clientShape: Shape<Client> = {
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
  previous_secret_hash: 'text?',
  previous_secret_expires_at: 'int?',
  dynamic: 'bool',
  metadata: 'json',
  registration_token_hash: 'text?',
}

export const consentShape: Shape<Consent> = {
  id: 'text',
  sub: 'text',
  client_id: 'text',
  scopes: 'json',
  created_at: 'int',
  revoked_at: 'int?',
}

export const familyShape: Shape<Family> = {
  id: 'text',
  consent_id: 'text?',
  client_id: 'text',
  sub: 'text?',
  scopes: 'json',
  auth_time: 'int?',
  acr: 'text?',
  amr: 'json?',
  nonce: 'text?',
  claims: 'text?',
  resource: 'json',
  created_at: 'int',
  expires_at: 'int',
  revoked_at: 'int?',
}

export const codeShape: Shape<CodeRecord> = {
  hash: 'text',
  family_id: 'text',
  client_id: 'text',
  redirect_uri: 'text?',
  code_challenge: 'text?',
  code_challenge_method: 'text?',
  created_at: 'int',
  expires_at: 'int',
  consumed_at: 'int?',
}

export const interactionShape: Shape<Interaction> = {
  id: 'text',
  session_id: 'text',
  sub: 'text',
  client_id: 'text',
  params: 'json',
  created_at: 'int',
  expires_at: 'int',
  consumed_at: 'int?',
}

export const pushedRequestShape: Shape<PushedRequest> = {
  hash: 'text',
  client_id: 'text',
  params: 'json',
  created_at: 'int',
  expires_at: 'int',
  consumed_at: 'int?',
}

export const initialAccessTokenShape: Shape<InitialAccessToken> = {
  hash: 'text',
  created_at: 'int',
  expires_at: 'int',
  consumed_at: 'int?',
}

export const deviceAuthorizationShape: Shape<DeviceAuthorization> = {
  device_code_hash: 'text',
  user_code_hash: 'text',
  client_id: 'text',
  scopes: 'json',
  resource: 'json',
  status: 'text',
  sub: 'text?',
  auth_time: 'int?',
  poll_interval: 'int',
  last_polled_at: 'int?',
  created_at: 'int',
  expires_at: 'int',
  consumed_at: 'int?',
}

export const accessShape: Shape<AccessTokenRecord> = {
  hash: 'text',
  family_id: 'text',
  client_id: 'text',
  sub: 'text?',
  scopes: 'json',
  audience: 'json',
  cnf_jkt: 'text?',
  created_at: 'int',
  expires_at: 'int',
  revoked_at: 'int?',
}

export const refreshShape: Shape<RefreshTokenRecord> = {
  hash: 'text',
  family_id: 'text',
  client_id: 'text',
  sub: 'text?',
  scopes: 'json',
  access_hash: 'text?',
  cnf_jkt: 'text?',
  created_at: 'int',
  expires_at: 'int',
  revoked_at: 'int?',
  used_at: 'int?',
  successor_hash: 'text?',
}

export const userShape: Shape<UserRecord> = {
  sub: 'text',
  username: 'text',
  password_hash: 'text',
  claims: 'json',
  created_at: 'int',
}

export const sessionShape: Shape<SessionRecord> = {
  hash: 'text',
  sub: 'text',
  auth_time: 'int',
  expires_at: 'int',
}

const columnsOf = <T>(shape: Shape<T>) => Object.keys(shape) as (keyof T & string)[]

function encodeValue(kind: ColumnKind, value: unknown): SqlValue {
  if (value === null || value === undefined) return null
  if (kind === 'bool') return value ? 1 : 0
  if (kind === 'json' || kind === 'json?') return JSON.stringify(value)
  return value as SqlValue
}

function decodeValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (kind) {
    case 'bool':
      return value === true || Number(value) === 1
    case 'int':
    case 'int?':
      // PostgreSQL drivers may hand BIGINT over as a string.
      return Number(value)
    case 'json':
    case 'json?':
      return JSON.parse(String(value))
    default:
      return String(value)
  }
}

/** The record's values in column order, ready to bind. */
export function encode<T>(shape: Shape<T>, record: T): SqlValue[] {
  return columnsOf(shape).map((column) => encodeValue(shape[column], record[column]))
}

/** A fresh record from a row; `prefix` selects aliased columns (`f_id` for `id`). */
export function decode<T>(shape: Shape<T>, row: Row, prefix = ''): T {
  const record: Record<string, unknown> = {}
  for (const column of columnsOf(shape)) record[column] = decodeValue(shape[column], row[prefix + column])
  return record as T
}

/** `a, b, c`: the column list of `shape`. */
export function columnList<T>(shape: Shape<T>): SqlFragment {
  return raw(columnsOf(shape).join(', '))
}

/** `f.a AS f_a, ...`: the columns of `alias`, renamed so they do not collide in a join. */
export function aliasedColumns<T>(shape: Shape<T>, alias: string): SqlFragment {
  return raw(
    columnsOf(shape)
      .map((column) => `${alias}.${column} AS ${alias}_${column}`)
      .join(', '),
  )
}

/**
 * `CAST(? AS TEXT), CAST(? AS BIGINT), ...` bound to the record. PostgreSQL types a bare
 * parameter in a SELECT list as text, so `INSERT ... SELECT` needs the casts; SQLite accepts
 * the same text (BIGINT has INTEGER affinity).
 */
export function castValues<T>(shape: Shape<T>, record: T): SqlFragment {
  const values = encode(shape, record)
  const casts = columnsOf(shape).map((column) => {
    const kind = shape[column]
    return kind === 'int' || kind === 'int?' ? 'CAST(? AS BIGINT)' : kind === 'bool' ? 'CAST(? AS INTEGER)' : 'CAST(? AS TEXT)'
  })
  return new SqlFragment(casts.join(', '), values)
}

/** `(?, ?, ...)` bound to the record's values. */
export function valueList<T>(shape: Shape<T>, record: T): SqlFragment {
  const values = encode(shape, record)
  return new SqlFragment(`(${values.map(() => '?').join(', ')})`, values)
}

/** `INSERT INTO table (columns) VALUES (...)` for one record. */
export function insertRow<T>(table: string, shape: Shape<T>, record: T): SqlFragment {
  return sql`INSERT INTO ${raw(table)} (${columnList(shape)}) VALUES ${valueList(shape, record)}`
}

/** An insert that replaces every column but `key` when a row with the same `key` exists. */
export function upsertRow<T>(table: string, shape: Shape<T>, key: keyof T & string, record: T): SqlFragment {
  const updates = columnsOf(shape)
    .filter((column) => column !== key)
    .map((column) => `${column} = excluded.${column}`)
    .join(', ')
  return sql`${insertRow(table, shape, record)} ON CONFLICT (${raw(key)}) DO UPDATE SET ${raw(updates)}`
}

/** `INSERT ... SELECT ... WHERE condition`: the row goes in only when `condition` holds then. */
export function insertRowIf<T>(table: string, shape: Shape<T>, record: T, condition: SqlFragment): SqlFragment {
  return sql`INSERT INTO ${raw(table)} (${columnList(shape)}) SELECT ${castValues(shape, record)} WHERE ${condition}`
}
