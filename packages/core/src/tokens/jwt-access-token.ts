import { SignJWT } from 'jose'
import type { ResourcesSetting } from '../contracts/resources.js'
import type { SigningKeys } from '../contracts/services.js'
import type { Family } from '../contracts/storage.js'
import { randomId } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { JWT_ACCESS_TOKEN_TTL } from '../protocol/resources.js'

/** How an access token for an audience is made: opaque or an RFC 9068 JWT, and for how long. */
export interface AccessTokenPolicy {
  format: 'opaque' | 'jwt'
  /** Seconds, before the family's expiry caps it. */
  ttl: number
}

/**
 * The format and lifetime of an access token for `audience` (RFC 8707 resources). A token for a
 * resource that wants a JWT is a JWT, even when it is for opaque resources too: it is still
 * stored by its hash, so a resource server that introspects it sees no difference. Its lifetime
 * is the shortest of its resources' (`accessToken.ttl`, else 300 s for a JWT resource and
 * `ttl.accessToken` for an opaque one); with no resource it is opaque and lives `ttl.accessToken`.
 */
export function accessTokenPolicy(
  setting: ResourcesSetting | undefined,
  audience: readonly string[],
  defaultTtl: number,
): AccessTokenPolicy {
  if (setting === undefined || setting === 'any' || audience.length === 0) return { format: 'opaque', ttl: defaultTtl }
  const entries = audience.map((uri) => setting.find((entry) => entry.uri === uri)?.accessToken)
  const format = entries.some((policy) => policy?.format === 'jwt') ? 'jwt' : 'opaque'
  const ttls = entries.map((policy) => policy?.ttl ?? (policy?.format === 'jwt' ? JWT_ACCESS_TOKEN_TTL : defaultTtl))
  return { format, ttl: Math.min(...ttls) }
}

export interface JwtAccessTokenInput {
  issuer: string
  family: Family
  scopes: readonly string[]
  audience: readonly string[]
  now: number
  expiresAt: number
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to, as `cnf.jkt`. */
  cnfJkt?: string | null
}

/**
 * RFC 9068 §2: an access token as a JWT signed with the active OIDC key: header `typ: at+jwt`
 * (§2.1); claims iss, exp, aud, sub (the user, or the client acting for itself, §2.2), client_id,
 * iat, jti and scope (§2.2.3), and auth_time, acr, amr when the grant knows them (§2.2.1); `cnf`
 * with the DPoP key's thumbprint when the token is bound to one (RFC 9449 §6.1).
 */
export async function signJwtAccessToken(keys: Pick<SigningKeys, 'signer'> | null, input: JwtAccessTokenInput): Promise<string> {
  const signer = await keys?.signer()
  if (!signer) throw new OAuthError('server_error', 'no signing key is available yet')
  const { family, scopes, audience } = input
  const payload: Record<string, unknown> = {
    client_id: family.client_id,
    ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    ...(family.auth_time === null ? {} : { auth_time: family.auth_time }),
    ...(family.acr ? { acr: family.acr } : {}),
    ...(family.amr ? { amr: family.amr } : {}),
    ...(input.cnfJkt ? { cnf: { jkt: input.cnfJkt } } : {}),
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
    .setIssuer(input.issuer)
    .setSubject(family.sub ?? family.client_id)
    .setAudience(audience.length === 1 ? (audience[0] as string) : [...audience])
    .setIssuedAt(input.now)
    .setExpirationTime(input.expiresAt)
    .setJti(randomId())
    .sign(signer.privateKey)
}
