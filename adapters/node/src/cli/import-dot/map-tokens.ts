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
/** DOT 3's `token_family`: the refresh tokens of one chain of rotations. */
export const LATER_REFRESH_COLUMNS = ['token_checksum', 'token_family'] as const

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
  /** When DOT revoked it (rotated it away), or null. */
  revoked: number | null
  /** DOT 3's chain of rotations, or null. */
  chain: string | null
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
    revoked: row.revoked === null || row.revoked === undefined ? null : (epochSeconds(row.revoked) ?? 0),
    chain: key(row.token_family),
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
  // DOT 3 chains: the grant of each chain's live token, and the tokens rotated away from it.
  const chains = new Map<string, Family>()
  const rotatedAway = new Map<string, DotRefreshToken[]>()
  const skipRevoked = () => {
    reports.refresh.skipped.revoked = (reports.refresh.skipped.revoked ?? 0) + 1
  }

  /**
   * A token DOT rotated away, in a chain whose live token is imported, joins that grant as used:
   * presented again it is a reuse that ends the grant, as DOT 3's reuse protection does
   * (RFC 9700 §4.14.2). Without a live token in its chain it is skipped.
   */
  const keepRotatedAway = () => {
    let kept = 0
    for (const [chain, tokens] of rotatedAway) {
      const f = chains.get(chain)
      for (const token of tokens) {
        if (!f || context.clients.get(token.application ?? '') !== f.client_id) {
          skipRevoked()
          continue
        }
        kept++
        out.refreshTokens.push({
          hash: token.hash,
          family_id: f.id,
          client_id: f.client_id,
          sub: f.sub,
          scopes: f.scopes,
          access_hash: null,
          created_at: token.created ?? now,
          expires_at: Math.min(now + context.refreshTtl, f.expires_at),
          revoked_at: null,
          used_at: token.revoked,
        })
      }
    }
    if (kept > 0) {
      reports.refresh.notes.push(
        `${kept} refresh tokens DOT had rotated away are kept as used in their chain's grant: presented again, they end it (DOT 3's token_family)`,
      )
    }
    rotatedAway.clear()
  }

  return {
    addAccess(token) {
      waiting.set(token.id, token)
      if (token.sourceRefresh !== null) bySource.set(token.sourceRefresh, token)
    },
    addRefresh(token) {
      if (token.revoked !== null) {
        // Kept for its chain's grant, if the chain has a live token (finish), or skipped.
        if (token.chain === null) skipRevoked()
        else rotatedAway.set(token.chain, [...(rotatedAway.get(token.chain) ?? []), token])
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
      const chained = token.chain === null ? undefined : chains.get(token.chain)
      const f = chained ?? grants.family(token.hash, clientId, sub, scopes, created, now + context.familyTtl)
      if (token.chain !== null) chains.set(token.chain, f)
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
        used_at: null,
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
      keepRotatedAway()
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
