import { ConfigError, canonicalRedirectUri, sha256Hex } from '@grantline/core'
import type { ImportedClient } from '@grantline/sql'
import type { DotRow } from './dot-reader.js'
import { type EpochReader, epochSeconds, flag, key, text, words } from './dot-values.js'
import type { Refusal, TableReport } from './import-report.js'

/** The application columns every DOT version has; the later ones are read when present. */
export const APPLICATION_COLUMNS = [
  'id',
  'client_id',
  'client_secret',
  'client_type',
  'authorization_grant_type',
  'redirect_uris',
  'name',
  'user_id',
  'skip_authorization',
  'created',
] as const
export const LATER_APPLICATION_COLUMNS = ['algorithm', 'post_logout_redirect_uris', 'hash_client_secret', 'allowed_origins'] as const

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'

/** DOT's one `authorization_grant_type` as Grantline's grant and response types. */
const GRANTS: Record<string, { grant_types: string[]; response_types: string[] }> = {
  'authorization-code': { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] },
  implicit: { grant_types: ['implicit'], response_types: ['token'] },
  password: { grant_types: ['password', 'refresh_token'], response_types: [] },
  'client-credentials': { grant_types: ['client_credentials'], response_types: [] },
  'openid-hybrid': {
    grant_types: ['authorization_code', 'implicit', 'refresh_token'],
    response_types: ['code id_token', 'code token', 'code id_token token'],
  },
  [DEVICE_CODE]: { grant_types: [DEVICE_CODE, 'refresh_token'], response_types: [] },
}

export interface ApplicationContext {
  now: number
  /**
   * The `token_endpoint_auth_method` of imported confidential clients; they accept the other way of
   * sending the secret too (`secret_methods`), as DOT did.
   */
  authMethod: 'client_secret_basic' | 'client_secret_post'
  /** DOT user ids that are imported: an application owned by another keeps no owner. */
  users: Set<string>
  /** How the database's datetimes read (the time zone of those without an offset); UTC by default. */
  epoch?: EpochReader
}

/**
 * DOT 1.x stored the secret as it is; DOT 2.x hashes it with Django's password hasher unless the
 * application's `hash_client_secret` is off (2.4 and later). Django's hashes name their algorithm
 * before the first `$`; DOT's generated secrets are letters and digits only.
 */
function secretHash(row: DotRow, id: string, report: TableReport): string | null | undefined {
  const secret = text(row.client_secret)
  if (secret === '') {
    report.refused.push({ id, why: 'a confidential application with no client secret' })
    return undefined
  }
  const hashedColumn = row.hash_client_secret
  const djangoHash = /^([a-z0-9_]+)\$.*\$/.exec(secret)
  const hashed = hashedColumn === undefined ? djangoHash !== null : flag(hashedColumn)
  if (!hashed) return sha256Hex(secret)
  if (djangoHash?.[1] !== 'pbkdf2_sha256') {
    report.refused.push({
      id,
      why: `its client secret is hashed with ${djangoHash?.[1] ?? 'an unknown hasher'}; Grantline checks pbkdf2_sha256 hashes only (reset the secret in DOT and import again, or import it and run grantline clients update)`,
    })
    return undefined
  }
  // Kept as Django wrote it: checked by PBKDF2 at its first use, then stored as SHA-256.
  return secret
}

/** Canonical redirect URIs; each one no longer allowed is reported with why (RFC 9700 §4.1.3). */
function redirectUris(values: string[], id: string, field: string, refused: Refusal[]): string[] {
  const kept: string[] = []
  for (const value of values) {
    try {
      kept.push(canonicalRedirectUri(value))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      refused.push({ id, field, value, why: error.message.replace(`redirect URI "${value}" `, '') })
    }
  }
  return [...new Set(kept)]
}

function corsOrigins(values: string[], id: string, refused: Refusal[]): string[] {
  const kept: string[] = []
  for (const value of values) {
    const origin = URL.canParse(value) ? new URL(value).origin : 'null'
    if (origin === 'null' || !/^https?:/.test(origin)) {
      refused.push({ id, field: 'allowed_origins', value, why: 'is not an http(s) origin' })
    } else kept.push(origin)
  }
  return [...new Set(kept)]
}

/**
 * A DOT application as a Grantline client with the same client_id. Answers null, with the
 * reason in the report, for one that cannot be imported.
 */
export function mapApplication(row: DotRow, context: ApplicationContext, report: TableReport): ImportedClient | null {
  const id = text(row.client_id)
  if (!/^[\x21-\x7e]{1,255}$/.test(id)) {
    report.refused.push({ id: key(row.id) ?? '?', why: 'its client_id is not 1-255 visible ASCII characters' })
    return null
  }
  const grantType = text(row.authorization_grant_type)
  const grants = GRANTS[grantType]
  if (!grants) {
    report.refused.push({ id, why: `unknown authorization_grant_type "${grantType}"` })
    return null
  }
  const type = text(row.client_type) === 'public' ? 'public' : 'confidential'
  if (type === 'public' && grantType === 'client-credentials') {
    report.refused.push({ id, why: 'a public application with the client-credentials grant, which needs a secret (RFC 6749 §4.4)' })
    return null
  }
  const secret_hash = type === 'public' ? null : secretHash(row, id, report)
  if (secret_hash === undefined) return null
  const refused: Refusal[] = []
  const redirect_uris = redirectUris(words(row.redirect_uris), id, 'redirect_uris', refused)
  if (grants.response_types.length > 0 && redirect_uris.length === 0) {
    const reasons = refused.map((r) => `${r.value} ${r.why}`).join('; ')
    report.refused.push({ id, why: `no allowed redirect URI is left, and ${grantType} needs one${reasons ? ` (${reasons})` : ''}` })
    return null
  }
  const post_logout_redirect_uris = redirectUris(words(row.post_logout_redirect_uris), id, 'post_logout_redirect_uris', refused)
  const allowed_cors_origins = corsOrigins(words(row.allowed_origins), id, refused)
  report.refused_values.push(...refused)
  const owner = key(row.user_id)
  if (owner !== null && !context.users.has(owner)) report.notes.push(`${id}: its owner (Django user ${owner}) is not imported; it has none`)
  if (text(row.algorithm) === 'HS256') {
    report.notes.push(`${id}: DOT signed its ID tokens with HS256; Grantline signs them with its RS256 key (see the JWKS)`)
  }
  return {
    client_id: id,
    client_name: text(row.name).trim() || id,
    client_type: type,
    token_endpoint_auth_method: type === 'public' ? 'none' : context.authMethod,
    grant_types: grants.grant_types,
    response_types: grants.response_types,
    redirect_uris,
    post_logout_redirect_uris,
    scope: '',
    allowed_cors_origins,
    skip_authorization: flag(row.skip_authorization),
    introspection: false,
    owner_sub: owner !== null && context.users.has(owner) ? owner : null,
    created_at: (context.epoch ?? epochSeconds)(row.created) ?? context.now,
    secret_hash,
    // DOT took a secret in a Basic header or in the body (RFC 6749 §2.3.1): both keep working.
    metadata: type === 'public' ? {} : { secret_methods: ['client_secret_basic', 'client_secret_post'] },
  }
}
