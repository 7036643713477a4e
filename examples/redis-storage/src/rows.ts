import type {
  AccessTokenRecord,
  CodeRecord,
  Consent,
  Family,
  InitialAccessToken,
  Interaction,
  PushedRequest,
  RefreshTokenRecord,
} from '@grantline/core'
import type { RowKind } from './keys.js'

/**
 * How long Redis keeps a row past its own expiry before dropping it by itself (EXPIRE): a margin
 * for instances whose clocks run behind, so a tombstone never goes while one of them still counts
 * it as live. The row is dead on every read from `expires_at` on; cleanup() removes it earlier.
 */
export const TTL_MARGIN_SECONDS = 3600

/** A row for lua/library.ts `write_row`: its hash fields and what indexes it. */
export interface RowWrite {
  kind: RowKind
  id: string
  /** field, value, field, value, ...: `json` and the fields the scripts read. */
  fields: string[]
  /** Seconds until Redis drops the row by itself; absent for rows other keys index. */
  ttl?: number
  /** Listed in the expiry index, for cleanup(). */
  expires_at?: number
  /** Listed in the revoked index, for cleanup(). */
  revoked_at?: number
}

/** The fields that change after a row is written: a read takes them over the JSON. */
const MUTABLE = {
  code: { consumed_at: 'number' },
  interaction: { consumed_at: 'number' },
  initial_access_token: { consumed_at: 'number' },
  pushed_request: { consumed_at: 'number' },
  access: { revoked_at: 'number' },
  refresh: { revoked_at: 'number', used_at: 'number', successor_hash: 'string' },
  family: { revoked_at: 'number' },
  consent: { revoked_at: 'number' },
} as const satisfies Partial<Record<RowKind, Record<string, 'number' | 'string'>>>

export type RecordKind = keyof typeof MUTABLE

type Scalar = string | number | null

/** The hash fields of `record`: its JSON, the fields named in `read`, and its mutable ones (null ones left out). */
function fieldsOf(kind: RecordKind, record: object, read: Record<string, Scalar>): string[] {
  const values = record as Record<string, Scalar>
  const fields = ['json', JSON.stringify(record)]
  const named: Record<string, Scalar> = { ...read }
  for (const name of Object.keys(MUTABLE[kind])) named[name] = values[name] ?? null
  for (const [name, value] of Object.entries(named)) if (value !== null) fields.push(name, String(value))
  return fields
}

/** Redis's own expiry for a row created at `from`: its life plus the margin, when positive. */
function ttlOf(expiresAt: number, from: number): { ttl?: number } {
  const seconds = Math.ceil(expiresAt - from + TTL_MARGIN_SECONDS)
  return seconds > 0 ? { ttl: seconds } : {}
}

const revokedOf = (revokedAt: number | null) => (revokedAt === null ? {} : { revoked_at: revokedAt })

/**
 * A code, interaction, initial access token or pushed request: single-use, kept as a tombstone
 * until it expires.
 */
export function consumableRow(
  kind: 'code' | 'interaction' | 'initial_access_token' | 'pushed_request',
  id: string,
  record: CodeRecord | Interaction | InitialAccessToken | PushedRequest,
): RowWrite {
  const fields = fieldsOf(kind, record, { expires_at: record.expires_at })
  return { kind, id, fields, expires_at: record.expires_at, ...ttlOf(record.expires_at, record.created_at) }
}

export function accessRow(token: AccessTokenRecord): RowWrite {
  const fields = fieldsOf('access', token, { expires_at: token.expires_at, family_id: token.family_id })
  return {
    kind: 'access',
    id: token.hash,
    fields,
    expires_at: token.expires_at,
    ...revokedOf(token.revoked_at),
    ...ttlOf(token.expires_at, token.created_at),
  }
}

export function refreshRow(token: RefreshTokenRecord): RowWrite {
  const fields = fieldsOf('refresh', token, { expires_at: token.expires_at, family_id: token.family_id, access_hash: token.access_hash })
  return {
    kind: 'refresh',
    id: token.hash,
    fields,
    expires_at: token.expires_at,
    ...revokedOf(token.revoked_at),
    ...ttlOf(token.expires_at, token.created_at),
  }
}

/** No TTL: tokens and the by-client index name the family, so cleanup() removes it with its entries. */
export function familyRow(family: Family): RowWrite {
  const fields = fieldsOf('family', family, {
    expires_at: family.expires_at,
    created_at: family.created_at,
    client_id: family.client_id,
    consent_id: family.consent_id,
    sub: family.sub,
  })
  return { kind: 'family', id: family.id, fields, expires_at: family.expires_at, ...revokedOf(family.revoked_at) }
}

/** A consent never expires; it goes once revoked. */
export function consentRow(consent: Consent): RowWrite {
  const fields = fieldsOf('consent', consent, { sub: consent.sub, client_id: consent.client_id, created_at: consent.created_at })
  return { kind: 'consent', id: consent.id, fields, ...revokedOf(consent.revoked_at) }
}

/** The record of a row read back (HGETALL): the JSON as written, with the changed fields over it. */
export function recordOf<T>(kind: RecordKind, fields: Record<string, string>): T {
  const record = JSON.parse(fields.json ?? 'null') as Record<string, unknown>
  for (const [name, type] of Object.entries(MUTABLE[kind])) {
    const value = fields[name]
    record[name] = value === undefined ? null : type === 'number' ? Number(value) : value
  }
  return record as T
}
