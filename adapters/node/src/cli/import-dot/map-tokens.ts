import { type Consent, type Family, sha256Hex } from '@grantline/core'
import type { ImportedAccessToken, ImportedRefreshToken } from '@grantline/sql'
import type { DotRow } from './dot-reader.js'
import { type EpochReader, key, text, words } from './dot-values.js'
import { accessRecord, createConsents, type Founder, familyId, familyOf } from './grants.js'
import { skip, type TableReport } from './import-report.js'
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

export function readAccessToken(row: DotRow, epoch: EpochReader): DotAccessToken {
  return {
    id: key(row.id) ?? '',
    hash: tokenHash(row),
    expires: epoch(row.expires) ?? 0,
    scopes: words(row.scope),
    application: key(row.application_id),
    user: key(row.user_id),
    created: epoch(row.created),
    sourceRefresh: key(row.source_refresh_token_id),
  }
}

/** A refresh token row; without `withHash` its hash is left empty (a row read without its token). */
export function readRefreshToken(row: DotRow, epoch: EpochReader, withHash = true): DotRefreshToken {
  return {
    id: key(row.id) ?? '',
    hash: withHash ? tokenHash(row) : '',
    access: key(row.access_token_id),
    application: key(row.application_id),
    user: key(row.user_id),
    created: epoch(row.created),
    revoked: row.revoked === null || row.revoked === undefined ? null : (epoch(row.revoked) ?? 0),
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

/** The records of one page of tokens. */
export interface MappedTokens {
  families: Family[]
  accessTokens: ImportedAccessToken[]
  refreshTokens: ImportedRefreshToken[]
}

/** What a page of refresh tokens is mapped with, looked up in DOT's tables. */
export interface RefreshLookups {
  /** The access tokens issued beside the page's refresh tokens, by DOT id. */
  paired: Map<string, DotAccessToken>
  /** By refresh token id: the last access token refreshed from it (DOT 1.x has none). */
  bySource: Map<string, DotAccessToken>
  /** By DOT 3 chain (token_family): its grant, founded by the chain's first imported live token. */
  founders: Map<string, Family>
}

/** Why a token's client or user keeps it out, or null when both are imported. */
function ownerProblem(token: { application: string | null; user: string | null }, context: TokenContext): string | null {
  if (token.application === null) return 'it has no application'
  if (!context.clients.has(token.application)) return `its application (id ${token.application}) is not imported`
  if (token.user !== null && !context.users.has(token.user)) return `its user (id ${token.user}) is not imported`
  return null
}

/**
 * DOT's tokens as Grantline's, a page at a time: each refresh token with the access token issued
 * beside it shares one Family; an access token alone gets its own. The user's grants to a client
 * become one Consent, which the user sees and can revoke. Expired access tokens and revoked refresh
 * tokens are skipped; a refresh token whose access token is gone still works, as it did in DOT.
 * Every decision depends on the token's row and rows looked up for it, never on earlier pages, so
 * that only the consents are held from one page to the next.
 */
export function createTokenMapper(context: TokenContext, reports: { access: TableReport; refresh: TableReport }) {
  const { now } = context
  const resources = context.resources ?? []
  const consents = createConsents()
  let rotatedSkipped = 0
  let rotatedKept = 0
  const dotExpiry = (token: DotRefreshToken) =>
    context.dotRefreshExpire === undefined ? Infinity : (token.created ?? now) + context.dotRefreshExpire
  /** Whether a refresh token is imported live: not revoked, not expired in DOT, its client and user imported. */
  const imported = (token: DotRefreshToken) => token.revoked === null && dotExpiry(token) > now && ownerProblem(token, context) === null
  /** Whether the imported refresh token `refresh` takes `access`, issued beside it, into its grant. */
  const takes = (refresh: DotRefreshToken, access: DotAccessToken) =>
    imported(refresh) && access.expires > now && access.application === refresh.application && access.user === refresh.user
  // DOT takes a refresh's scopes from its access token, or from the one it was refreshed into.
  const scopesOf = (token: DotRefreshToken, lookups: Omit<RefreshLookups, 'founders'>) =>
    ((token.access === null ? undefined : lookups.paired.get(token.access)) ?? lookups.bySource.get(token.id))?.scopes ?? []
  const refreshFounder = (token: DotRefreshToken, scopes: string[]): Founder => ({
    hash: token.hash,
    clientId: context.clients.get(token.application as string) as string,
    sub: token.user === null ? null : subOf(token.user),
    scopes,
    created: token.created ?? now,
    expires: now + context.familyTtl,
  })

  /**
   * A token DOT rotated away, in a chain whose live token is imported, joins that grant as used:
   * presented again it is a reuse that ends the grant, as DOT 3's reuse protection does
   * (RFC 9700 §4.14.2). Without a live token in its chain it is skipped.
   */
  const rotatedAway = (token: DotRefreshToken, f: Family | undefined): ImportedRefreshToken | null => {
    if (!f || context.clients.get(token.application ?? '') !== f.client_id) {
      rotatedSkipped++
      return null
    }
    rotatedKept++
    return {
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
    }
  }

  return {
    imported,
    /**
     * The grant of each DOT 3 chain, from its live tokens (by id, with their lookups): the grant
     * its first imported token founds, which later live tokens of the chain join.
     */
    founders(tokens: DotRefreshToken[], lookups: Omit<RefreshLookups, 'founders'>): Map<string, Family> {
      const founders = new Map<string, Family>()
      for (const token of tokens) {
        if (token.chain === null || founders.has(token.chain) || !imported(token)) continue
        founders.set(token.chain, familyOf(refreshFounder(token, scopesOf(token, lookups)), resources))
      }
      return founders
    },

    takes,

    /** Maps a page of refresh tokens, each with the access token issued beside it when that is live. */
    refreshPage(tokens: DotRefreshToken[], lookups: RefreshLookups): MappedTokens {
      const out: MappedTokens = { families: [], accessTokens: [], refreshTokens: [] }
      for (const token of tokens) {
        if (token.revoked !== null) {
          if (token.chain === null) skip(reports.refresh, 'revoked')
          else {
            const record = rotatedAway(token, lookups.founders.get(token.chain))
            if (record) out.refreshTokens.push(record)
          }
          continue
        }
        if (dotExpiry(token) <= now) {
          skip(reports.refresh, 'expired')
          continue
        }
        const problem = ownerProblem(token, context)
        if (problem) {
          reports.refresh.refused.push({ id: token.id, why: problem })
          continue
        }
        const founder = refreshFounder(token, scopesOf(token, lookups))
        let f = token.chain === null ? undefined : lookups.founders.get(token.chain)
        if (!f || f.id === familyId(token.hash)) {
          f ??= familyOf(founder, resources)
          consents.add(founder)
          out.families.push(f)
        }
        const paired = token.access === null ? undefined : lookups.paired.get(token.access)
        const live = paired !== undefined && takes(token, paired)
        if (live) out.accessTokens.push(accessRecord(paired, f, now))
        out.refreshTokens.push({
          hash: token.hash,
          family_id: f.id,
          client_id: founder.clientId,
          sub: founder.sub,
          scopes: founder.scopes,
          access_hash: live ? paired.hash : null,
          created_at: founder.created,
          expires_at: Math.min(now + context.refreshTtl, f.expires_at, dotExpiry(token)),
          revoked_at: null,
          used_at: null,
        })
      }
      return out
    },

    /** Maps a page of access tokens, but those an imported refresh token took (ids in `taken`). */
    accessPage(tokens: DotAccessToken[], taken: Set<string>): MappedTokens {
      const out: MappedTokens = { families: [], accessTokens: [], refreshTokens: [] }
      for (const token of tokens) {
        if (taken.has(token.id)) continue
        if (token.expires <= now) {
          skip(reports.access, 'expired')
          continue
        }
        const problem = ownerProblem(token, context)
        if (problem) {
          reports.access.refused.push({ id: token.id, why: problem })
          continue
        }
        const clientId = context.clients.get(token.application as string) as string
        const sub = token.user === null ? null : subOf(token.user)
        const founder = { hash: token.hash, clientId, sub, scopes: token.scopes, created: token.created ?? now, expires: token.expires }
        const f = familyOf(founder, resources)
        consents.add(founder)
        out.families.push(f)
        out.accessTokens.push(accessRecord(token, f, now))
      }
      return out
    },

    /** After every page: the consents, and the rotated-away tokens counted. */
    finish(): Consent[] {
      if (rotatedSkipped > 0) reports.refresh.skipped.revoked = (reports.refresh.skipped.revoked ?? 0) + rotatedSkipped
      if (rotatedKept > 0) {
        reports.refresh.notes.push(
          `${rotatedKept} refresh tokens DOT had rotated away are kept as used in their chain's grant: presented again, they end it (DOT 3's token_family)`,
        )
      }
      return consents.list()
    },
  }
}

export type TokenMapper = ReturnType<typeof createTokenMapper>
