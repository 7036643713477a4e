import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { SignJWT } from 'jose'
import type { ClaimsRequest } from '../contracts/accounts.js'
import type { ProviderContext } from '../contracts/context.js'
import type { SigningAlg } from '../contracts/services.js'
import type { Family } from '../contracts/storage.js'
import type { IdTokenInput } from '../contracts/tokens.js'
import { base64url } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'

const encoder = new TextEncoder()

/**
 * OIDC Core §3.1.3.6 / §3.3.2.11: at_hash and c_hash are the left half of the hash of the ASCII
 * value, with the hash of the signing algorithm (SHA-512 for Ed25519).
 */
export function halfHash(value: string, alg: SigningAlg): string {
  const digest = alg === 'EdDSA' ? sha512(encoder.encode(value)) : sha256(encoder.encode(value))
  return base64url(digest.slice(0, digest.length / 2))
}

/** The `claims` request parameter (OIDC Core §5.5) stored with the grant, or undefined. */
export function storedClaimsRequest(family: Family): ClaimsRequest | undefined {
  if (!family.claims) return undefined
  try {
    return JSON.parse(family.claims) as ClaimsRequest
  } catch {
    return undefined
  }
}

/**
 * Signs an ID Token (OIDC Core §2) with the active key: iss, sub, aud, exp, iat, auth_time,
 * nonce, acr, amr, at_hash / c_hash, and the claims the granted scopes (and the `claims`
 * request) release from `accounts.claims`.
 */
export async function signIdToken(provider: ProviderContext, input: IdTokenInput): Promise<string> {
  const { config, keys } = provider
  const signer = await keys?.signer()
  if (!config.oidc || !signer) throw new OAuthError('server_error', 'no signing key is available yet')
  const { family, now } = input
  if (family.sub === null) throw new OAuthError('invalid_request', 'an ID Token needs a user')
  const claimsRequest = storedClaimsRequest(family)
  const released = await config.accounts.claims(family.sub, {
    scopes: family.scopes,
    clientId: family.client_id,
    use: 'id_token',
    ...(claimsRequest ? { claims: claimsRequest } : {}),
  })
  const payload: Record<string, unknown> = {
    ...released,
    ...(family.auth_time === null ? {} : { auth_time: family.auth_time }),
    ...(input.nonce ? { nonce: input.nonce } : {}),
    ...(family.acr ? { acr: family.acr } : {}),
    ...(family.amr ? { amr: family.amr } : {}),
    ...(input.accessToken ? { at_hash: halfHash(input.accessToken, signer.alg) } : {}),
    ...(input.code ? { c_hash: halfHash(input.code, signer.alg) } : {}),
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
    .setIssuer(config.issuer)
    .setSubject(family.sub)
    .setAudience(family.client_id)
    .setIssuedAt(now)
    .setExpirationTime(now + config.oidc.idTokenTtl)
    .sign(signer.privateKey)
}

/** Whether a grant gets ID Tokens: OIDC is on and `openid` is among the scopes of this issue. */
export function wantsIdToken(provider: ProviderContext, family: Family, scopes: readonly string[] = family.scopes): boolean {
  return provider.keys !== null && scopes.includes('openid') && family.sub !== null
}
