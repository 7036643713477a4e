import type { ResolvedConfig } from '../contracts/config.js'
import type { SigningKeys } from '../contracts/services.js'
import type { AccessTokenRecord, Client, Family, RefreshTokenRecord } from '../contracts/storage.js'
import type { Minted, TokenResponse } from '../contracts/tokens.js'
import { randomId, randomSecret, sha256Hex } from '../primitives/crypto.js'
import { scopesForAudience } from '../protocol/resources.js'
import { accessTokenPolicy, signJwtAccessToken } from './jwt-access-token.js'

/** What a new family may be given besides its client; the rest starts empty (no user, no consent, no request claims). */
export type FamilyFields = Pick<Family, 'scopes'> &
  Partial<Pick<Family, 'consent_id' | 'sub' | 'auth_time' | 'acr' | 'amr' | 'nonce' | 'claims' | 'resource'>>

export function newFamily(clientId: string, fields: FamilyFields, now: number, lifetime: number): Family {
  // Every field named once, in one order: one object shape for every family (no spread).
  return {
    id: randomId(),
    consent_id: fields.consent_id ?? null,
    client_id: clientId,
    sub: fields.sub ?? null,
    scopes: fields.scopes,
    auth_time: fields.auth_time ?? null,
    acr: fields.acr ?? null,
    amr: fields.amr ?? null,
    nonce: fields.nonce ?? null,
    claims: fields.claims ?? null,
    resource: fields.resource ?? [],
    created_at: now,
    expires_at: now + lifetime,
    revoked_at: null,
  }
}

/** What minting an access token reads: the settings, and the signing keys for JWT access tokens (null without OIDC). */
export interface AccessTokenMinter {
  config: Pick<ResolvedConfig, 'issuer' | 'resources' | 'ttl'>
  keys: Pick<SigningKeys, 'signer'> | null
}

/**
 * A new access token of `family` for `audience` (RFC 8707: the family's resources unless a token
 * request narrowed them); its scopes are cut to those the audience understands. An opaque random
 * value, or an RFC 9068 JWT when a resource of the audience asks for one; either way it is stored
 * by its SHA-256 hash, and a JWT is signed before anything is stored, so a signing failure stores
 * nothing. Its lifetime is capped by the family's.
 */
export async function mintAccessToken(
  minter: AccessTokenMinter,
  family: Family,
  requested: string[],
  now: number,
  audience: string[] = family.resource,
  cnfJkt: string | null = null,
): Promise<Minted<AccessTokenRecord>> {
  const { config } = minter
  const scopes = scopesForAudience(config.resources, audience, requested)
  const policy = accessTokenPolicy(config.resources, audience, config.ttl.accessToken)
  const expires_at = Math.min(now + policy.ttl, family.expires_at)
  const value =
    policy.format === 'jwt'
      ? await signJwtAccessToken(minter.keys, { issuer: config.issuer, family, scopes, audience, now, expiresAt: expires_at, cnfJkt })
      : randomSecret('gl_at_')
  return {
    value,
    record: {
      hash: sha256Hex(value),
      family_id: family.id,
      client_id: family.client_id,
      sub: family.sub,
      scopes,
      audience,
      cnf_jkt: cnfJkt,
      created_at: now,
      expires_at,
      revoked_at: null,
    },
  }
}

/** Refresh lifetime is idle, renewed at each rotation, and capped by the family's expiry. */
export function mintRefreshToken(
  config: Pick<ResolvedConfig, 'ttl'>,
  family: Family,
  scopes: string[],
  accessHash: string,
  now: number,
  cnfJkt: string | null = null,
): Minted<RefreshTokenRecord> {
  const value = randomSecret('gl_rt_')
  return {
    value,
    record: {
      hash: sha256Hex(value),
      family_id: family.id,
      client_id: family.client_id,
      sub: family.sub,
      scopes,
      access_hash: accessHash,
      cnf_jkt: cnfJkt,
      created_at: now,
      expires_at: Math.min(now + config.ttl.refreshToken, family.expires_at),
      revoked_at: null,
      used_at: null,
      successor_hash: null,
    },
  }
}

/** Whether a refresh token goes with this issue: the server and the client both use the grant. */
export function issuesRefresh(config: Pick<ResolvedConfig, 'grantTypes'>, client: Client): boolean {
  return config.grantTypes.includes('refresh_token') && client.grant_types.includes('refresh_token')
}

export function tokenResponse(access: Minted<AccessTokenRecord>, now: number, refresh?: Minted<RefreshTokenRecord>): TokenResponse {
  const response: TokenResponse = {
    access_token: access.value,
    token_type: access.record.cnf_jkt === null ? 'Bearer' : 'DPoP',
    expires_in: access.record.expires_at - now,
    scope: access.record.scopes.join(' '),
  }
  if (refresh) response.refresh_token = refresh.value
  return response
}

/** Stores a new family with its first tokens in one step; answers it with the token response. */
export async function issueGrant(
  provider: AccessTokenMinter & { config: ResolvedConfig },
  client: Client,
  fields: FamilyFields,
  now: number,
  refresh: boolean,
  dpopJkt: string | null = null,
): Promise<{ family: Family; response: TokenResponse }> {
  const { config } = provider
  const withRefresh = refresh && issuesRefresh(config, client)
  const family = newFamily(client.client_id, fields, now, withRefresh ? config.ttl.family : config.ttl.accessToken)
  const access = await mintAccessToken(provider, family, family.scopes, now, family.resource, dpopJkt)
  // RFC 9449 §5: only a public client's refresh token is bound to the key.
  const refreshJkt = client.client_type === 'public' ? dpopJkt : null
  const minted = withRefresh ? mintRefreshToken(config, family, family.scopes, access.record.hash, now, refreshJkt) : undefined
  await config.storage.issueTokens({ family, access: access.record, ...(minted ? { refresh: minted.record } : {}) })
  return { family, response: tokenResponse(access, now, minted) }
}
