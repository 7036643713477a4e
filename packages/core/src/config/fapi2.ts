import { decodeProtectedHeader } from 'jose'
import type { ClientAuthMethod } from '../contracts/client-auth-method.js'
import type { ProviderConfig } from '../contracts/provider-config.js'
import { ConfigError, OAuthError } from '../primitives/errors.js'

/**
 * FAPI 2.0 Security Profile §5.4.1: the JWS algorithms allowed (PS256, ES256, EdDSA); RS256 is
 * not among them.
 */
export const FAPI2_ALGS = ['ES256', 'PS256', 'EdDSA'] as const

/** The client authentication method FAPI 2.0 leaves Grantline (§5.3.2.1: mTLS or private_key_jwt; Grantline has no mTLS). */
export const FAPI2_CLIENT_AUTH = 'private_key_jwt'

const conflict = (code: string, message: string) => new ConfigError(code, `profile 'fapi2': ${message}`)

/**
 * Refuses a configuration that contradicts the FAPI 2.0 Security Profile (§5.3.2.1, §5.3.2.2,
 * §5.4.1): each setting the profile decides may be left out or set as the profile sets it, and a
 * different value is a start-up error with its own code rather than silently overridden.
 */
function checkNoConflict(input: ProviderConfig): void {
  if (input.par?.required === false)
    throw conflict('ERR_FAPI2_PAR', 'par.required: authorization requests must be pushed (FAPI 2.0 §5.3.2.2)')
  if (input.par?.ttl !== undefined && input.par.ttl >= 600) {
    throw conflict('ERR_FAPI2_PAR_TTL', 'par.ttl: a request_uri must expire in less than 600 seconds (FAPI 2.0 §5.3.2.2)')
  }
  if ((input.pkce?.required !== undefined && input.pkce.required !== 'all') || input.pkce?.allowPlain === true) {
    throw conflict(
      'ERR_FAPI2_PKCE',
      "pkce: every client must use PKCE with S256 (FAPI 2.0 §5.3.2.2): leave pkce.required 'all' and allowPlain false",
    )
  }
  const enabled = [...(input.grantTypes ?? []), ...(input.grants ?? []).map((grant) => grant.grantType)]
  const refused = enabled.find((grant) => grant === 'password' || grant === 'implicit')
  if (refused !== undefined) {
    throw conflict(
      'ERR_FAPI2_GRANT_TYPE',
      `grantTypes: "${refused}" is not allowed (FAPI 2.0 §5.3.2.1, §5.3.2.2: no password grant, response type code only)`,
    )
  }
  if (input.ttl?.code !== undefined && input.ttl.code > 60) {
    throw conflict('ERR_FAPI2_CODE_TTL', 'ttl.code: authorization codes live at most 60 seconds (FAPI 2.0 §5.3.2.2)')
  }
  if (input.dpop?.required === false) {
    throw conflict(
      'ERR_FAPI2_DPOP',
      'dpop.required: access tokens must be sender-constrained (FAPI 2.0 §5.3.2.1), and DPoP is how Grantline does it',
    )
  }
  if (input.oidc?.signingAlg === 'RS256' || input.dpop?.algs?.includes('RS256')) {
    throw conflict('ERR_FAPI2_ALG', 'RS256 is not allowed (FAPI 2.0 §5.4.1): use ES256, PS256 or EdDSA')
  }
}

/**
 * `profile: 'fapi2'`: the configuration with the FAPI 2.0 Security Profile's settings filled in
 * (PAR required, PKCE S256 for all, DPoP required with its allowed algorithms, ID Tokens signed
 * with ES256 unless EdDSA was chosen, refresh tokens not rotated unless asked, §5.3.2.1),
 * after refusing any that contradicts it. The rules that are not settings (private_key_jwt only,
 * the redirect_uri pushed, no public clients) are enforced where they apply.
 */
export function applyFapi2(input: ProviderConfig): ProviderConfig {
  checkNoConflict(input)
  return {
    ...input,
    par: { ...input.par, required: true },
    pkce: { required: 'all', allowPlain: false },
    dpop: { ...input.dpop, required: true, algs: input.dpop?.algs ?? [...FAPI2_ALGS] },
    ...(input.oidc ? { oidc: { ...input.oidc, signingAlg: input.oidc.signingAlg ?? 'ES256' } } : {}),
    rotateRefreshTokens: input.rotateRefreshTokens ?? false,
  }
}

/**
 * FAPI 2.0 Security Profile §5.3.2.1: only confidential clients, authenticated by private_key_jwt
 * (Grantline has no mTLS). Under the profile the other methods are not offered at all, so that
 * discovery lists only this one and no endpoint accepts another; and the assertion must be signed
 * with an algorithm of §5.4.1 (its audience, the issuer alone as a string, private_key_jwt checks
 * under every profile).
 */
export function fapi2ClientAuth(methods: readonly ClientAuthMethod[]): readonly ClientAuthMethod[] {
  const method = methods.find((candidate) => candidate.name === FAPI2_CLIENT_AUTH)
  if (!method) {
    throw new ConfigError(
      'ERR_FAPI2_CLIENT_AUTH',
      "profile 'fapi2': clients authenticate with private_key_jwt, which needs a Storage with remember() (an assertion jti is single use)",
    )
  }
  return [
    {
      name: method.name,
      // RFC 8414 §2: discovery must list the algorithms of a method that takes a signed assertion.
      ...(method.signingAlgs ? { signingAlgs: method.signingAlgs } : {}),
      extract: (request, params) => method.extract(request, params),
      async verify(client, credentials, context) {
        if (credentials.assertion) checkFapi2Assertion(credentials.assertion.value)
        return method.verify(client, credentials, context)
      },
    },
  ]
}

const invalidAssertion = (description: string) => new OAuthError('invalid_client', `${description} (FAPI 2.0)`)

/** Checked before the method verifies the signature: what the profile adds to RFC 7523 §3. */
function checkFapi2Assertion(assertion: string): void {
  let alg: unknown
  try {
    alg = decodeProtectedHeader(assertion).alg
  } catch {
    throw invalidAssertion('client_assertion is not a JWT')
  }
  if (!(FAPI2_ALGS as readonly unknown[]).includes(alg))
    throw invalidAssertion('client_assertion must be signed with ES256, PS256 or EdDSA')
}
