import { compactVerify, createLocalJWKSet, decodeJwt, type JSONWebKeySet } from 'jose'
import type { ProviderContext } from '../contracts/context.js'
import { OAuthError } from '../primitives/errors.js'

/** What a verified `id_token_hint` says: the user, and the client it was issued to. */
export interface IdTokenHint {
  sub: string
  audiences: string[]
  /** The client named by `aud` (or `azp` among several audiences); undefined when ambiguous. */
  clientId: string | undefined
}

const refused = (why: string) => new OAuthError('invalid_request', `id_token_hint ${why}`)

/**
 * OpenID Connect RP-Initiated Logout 1.0 §2 and §4: the OP MUST verify that it issued the ID Token.
 * The signature must verify against one of the keys this server publishes (next, active or
 * retired) and `iss` must be the configured issuer; an expired token is accepted, since an RP
 * typically logs out after its ID Token has expired. Once a key is no longer published, the
 * tokens it signed stop working as hints.
 */
export async function verifyIdTokenHint(provider: ProviderContext, hint: string): Promise<IdTokenHint> {
  if (!provider.keys) throw refused('cannot be checked: OpenID Connect is off')
  const published = (await provider.keys.jwks()) as JSONWebKeySet
  const algorithms = [...new Set(published.keys.map((key) => key.alg).filter((alg): alg is string => typeof alg === 'string'))]
  let verified: { typ: string | undefined; claims: ReturnType<typeof decodeJwt> }
  try {
    const { protectedHeader } = await compactVerify(hint, createLocalJWKSet(published), { algorithms })
    verified = { typ: protectedHeader.typ, claims: decodeJwt(hint) }
  } catch {
    throw refused('was not issued by this server')
  }
  const { typ, claims } = verified
  // Only ID Tokens (typ JWT, or none): never a future RFC 9068 `at+jwt` access token.
  if (typ !== undefined && typ.toUpperCase() !== 'JWT') throw refused('is not an ID Token')
  if (claims.iss !== provider.config.issuer) throw refused('was not issued by this server')
  if (typeof claims.sub !== 'string') throw refused('has no subject')
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter((aud): aud is string => typeof aud === 'string')
  if (audiences.length === 0) throw refused('has no audience')
  const azp = typeof claims.azp === 'string' && audiences.includes(claims.azp) ? claims.azp : undefined
  return { sub: claims.sub, audiences, clientId: audiences.length === 1 ? audiences[0] : azp }
}
