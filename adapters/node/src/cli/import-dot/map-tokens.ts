import { type Consent, type Family, sha256Hex } from '@grantline/core'
import type { ImportedAccessToken, ImportedRefreshToken } from '@grantline/sql'
import type { DotRow } from './dot-reader.js'
import { epochSeconds, key, text, words } from './dot-values.js'
import { accessRecord, createGrantBuilder } from './grants.js'
import type { TableReport } from './import-report.js'
import { subOf } from './map-user.js'

export const ACCESS_COLUMNS = ['id', 'token', 'expires', 'scope', 'application_id', 'user_id', 'created'] as const
export const LATER_ACCESS_COLUMNS = ['token_checksum', 'source_refresh_token_id'] as const
export const REFRESH_COLUMNS = ['id', 'token', 'access_token_id', 'application_id', 'user_id', 'created', 'revoked'] as const

/** What the import keeps of a DOT access token row. */
export interface DotAccessToken {
  id: string
  hash: string
  expires: number
  scopes: string[]
  application: string | null
  user: string | null
  created: number | null
  sourceRefresh: string | null
}

/** What the import keeps of a DOT refresh token row. */
export interface DotRefreshToken {
  id: string
  hash: string
  access: string | null
  application: string | null
  user: string | null
  created: number | null
  revoked: boolean
}

/**
 * Grantline's storage key of a token: DOT 3's `token_checksum` is already the lowercase hex
 * SHA-256 of the token; DOT 1.x and 2.x kept the token itself, hashed here.
 */
function tokenHash(row: DotRow): string {
  const checksum = text(row.token_checksum).toLowerCase()
  return /^[0-9a-f]{64}$/.test(checksum) ? checksum : sha256Hex(text(row.token))
}

export function readAccessToken(row: DotRow): DotAccessToken {
  return {
    id: key(row.id) ?? '',
    hash: tokenHash(row),
    expires: epochSeconds(row.expires) ?? 0,
    scopes: words(row.scope),
    application: key(row.application_id),
    user: key(row.user_id),
    created: epochSeconds(row.created),
    sourceRefresh: key(row.source_refresh_token_id),
  }
}

export function readRefreshToken(row: DotRow): DotRefreshToken {
  return {
    id: key(row.id) ?? '',
    hash: tokenHash(row),
    access: key(row.access_token_id),
    application: key(row.application_id),
    user: key(row.user_id),
    created: epochSeconds(row.created),
    revoked: row.revoked !== null && row.revoked !== undefined,
  }
}

export interface TokenContext {
  now: number
  /** Imported applications: DOT primary key -> client_id. */
  clients: Map<string, string>
  /** Imported DOT user ids. */
  users: Set<string>
  /** Lifetimes from the server's configuration: a refresh token's idle life and a grant's cap. */
  refreshTtl: number
  familyTtl: number
  /** DOT's REFRESH_TOKEN_EXPIRE_SECONDS, when it was set: older refresh tokens had expired there. */
  dotRefreshExpire?: number | undefined
  /** The audience of every imported grant and access token (RFC 8707), canonical; [] for none. */
  resources?: readonly string[]
}

export interface MappedTokens {
  consents: Consent[]
  families: Family[]
  accessTokens: ImportedAccessToken[]
  refreshTokens: ImportedRefreshToken[]
}

/** Why a token's client or user keeps it out, or null when both are imported. */
function ownerProblem(token: { application: string | null; user: string | null }, context: TokenContext): string | null {
  if (token.application === null) return 'it has no application'
  if (!context.clients.has(token.application)) return `its application (id ${token.application}) is not imported`
  if (token.user !== null && !context.users.has(token.user)) return `its user (id ${token.user}) is not imported`
  return null
}

/** Maps DOT's tokens as they are read: every access token first, then each refresh token. */
export interface TokenMapper {
  /** Holds an access token until its refresh token, or `finish`, places it. */
  addAccess(token: DotAccessToken): void
  /** Maps a refresh token with the access token issued beside it; every access token is added by then. */
  addRefresh(token: DotRefreshToken): void
  /** Maps the access tokens no refresh token took, and answers everything mapped. */
  finish(): MappedTokens
}

/**
 * DOT's tokens as Grantline's: each refresh token with the access token issued beside it shares
 * one Family; an access token alone gets its own. The user's grants to a client become one
 * Consent, which the user sees and can revoke. Expired access tokens and revoked refresh tokens
 * are skipped; a refresh token whose access token is gone still works, as it did in DOT. Rows are
 * mapped as they come, so that a large table is not held twice.
 */
export function createTokenMapper(context: TokenContext, reports: { access: TableReport; refresh: TableReport }): TokenMapper {
  const { now } = context
  // Access tokens not placed yet, by DOT id; and by the refresh token they were refreshed from.
  const waiting = new Map<string, DotAccessToken>()
  const bySource = new Map<string, DotAccessToken>()
  const out: MappedTokens = { consents: [], families: [], accessTokens: [], refreshTokens: [] }
  const grants = createGrantBuilder(context.resources)

  return {
    addAccess(token) {
      waiting.set(token.id, token)
      if (token.sourceRefresh !== null) bySource.set(token.sourceRefresh, token)
    },
    addRefresh(token) {
      if (token.revoked) {
        reports.refresh.skipped.revoked = (reports.refresh.skipped.revoked ?? 0) + 1
        return
      }
      const created = token.created ?? now
      const dotExpiry = context.dotRefreshExpire === undefined ? Infinity : created + context.dotRefreshExpire
      if (dotExpiry <= now) {
        reports.refresh.skipped.expired = (reports.refresh.skipped.expired ?? 0) + 1
        return
      }
      const problem = ownerProblem(token, context)
      if (problem) {
        reports.refresh.refused.push({ id: token.id, why: problem })
        return
      }
      const clientId = context.clients.get(token.application as string) as string
      const sub = token.user === null ? null : subOf(token.user)
      const paired = token.access === null ? undefined : waiting.get(token.access)
      // DOT takes a refresh's scopes from its access token, or from the one it was refreshed into.
      const scopes = (paired ?? bySource.get(token.id))?.scopes ?? []
      const f = grants.family(token.hash, clientId, sub, scopes, created, now + context.familyTtl)
      const live = paired && paired.expires > now && paired.application === token.application && paired.user === token.user
      if (live) {
        waiting.delete(paired.id)
        out.accessTokens.push(accessRecord(paired, f, now))
      }
      out.refreshTokens.push({
        hash: token.hash,
        family_id: f.id,
        client_id: clientId,
        sub,
        scopes,
        access_hash: live ? paired.hash : null,
        created_at: created,
        expires_at: Math.min(now + context.refreshTtl, f.expires_at, dotExpiry),
        revoked_at: null,
      })
    },
    finish() {
      for (const token of waiting.values()) {
        if (token.expires <= now) {
          reports.access.skipped.expired = (reports.access.skipped.expired ?? 0) + 1
          continue
        }
        const problem = ownerProblem(token, context)
        if (problem) {
          reports.access.refused.push({ id: token.id, why: problem })
          continue
        }
        const clientId = context.clients.get(token.application as string) as string
        const sub = token.user === null ? null : subOf(token.user)
        const f = grants.family(token.hash, clientId, sub, token.scopes, token.created ?? now, token.expires)
        out.accessTokens.push(accessRecord(token, f, now))
      }
      waiting.clear()
      bySource.clear()
      out.families = grants.families
      out.consents = grants.consents()
      reports.access.imported = out.accessTokens.length
      reports.refresh.imported = out.refreshTokens.length
      return out
    },
  }
}
