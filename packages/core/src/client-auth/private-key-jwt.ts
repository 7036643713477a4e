import { decodeJwt } from 'jose'
import { CLIENT_JWT_ALGS, verifyClientJwt } from '../clients/verify-client-jwt.js'
import type { ClientAuthMethod } from '../contracts/client-auth-method.js'
import { sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/**
 * RFC 7523 §3 lets the server bound an assertion's lifetime: `exp` at most five minutes ahead, so
 * that a remembered `jti` is kept briefly and a leaked assertion is soon useless. oauth4webapi and
 * openid-client sign 60 s assertions.
 */
export const MAX_ASSERTION_LIFETIME = 300
/** Seconds of clock difference tolerated on `exp`, `nbf` and `iat`. */
const CLOCK_SKEW = 30
const MAX_ASSERTION_LENGTH = 8192
const MAX_JTI_LENGTH = 255

const invalidClient = (description: string) => new OAuthError('invalid_client', description)

/**
 * `private_key_jwt` (RFC 7523 §2.2, §3; OIDC Core §9): the client signs a JWT with a key whose
 * public half it registered (`jwks` or `jwks_uri`). The JWT names the client as `iss` and `sub`,
 * this server's issuer identifier alone, as a string, as `aud` (see `checkAudience`), an `exp` at most five minutes ahead, and a
 * `jti` that is accepted once (a replay is invalid_client). Signed with RS256, PS256, ES256 or
 * EdDSA (or fewer: `algs`); `none` and HS* are refused (secrets are stored hashed, so no key is shared).
 */
export function createPrivateKeyJwt(algs: readonly string[] = CLIENT_JWT_ALGS): ClientAuthMethod {
  return {
    name: 'private_key_jwt',
    signingAlgs: algs,
    extract(_request, params) {
      const type = params.get('client_assertion_type')
      const assertion = params.get('client_assertion')
      // Another assertion type is another method's (RFC 7521 §4.2).
      if (type === undefined && assertion === undefined) return null
      if (type !== undefined && type !== JWT_BEARER_ASSERTION) return null
      if (type === undefined || assertion === undefined) {
        throw invalidClient('client_assertion and client_assertion_type come together (RFC 7521 section 4.2)')
      }
      let sub: unknown
      try {
        sub = decodeJwt(assertion).sub
      } catch {
        throw invalidClient('client_assertion is not a JWT (RFC 7523 section 3)')
      }
      // RFC 7523 §3: sub is the client_id; a client_id parameter must match (checked by the caller).
      if (typeof sub !== 'string' || sub === '')
        throw invalidClient('client_assertion needs a sub claim, the client_id (RFC 7523 section 3)')
      return { clientId: sub, assertion: { type, value: assertion } }
    },
    async verify(client, credentials, context) {
      const { assertion } = credentials
      if (!assertion || assertion.type !== JWT_BEARER_ASSERTION) return false
      const { remember } = context
      if (!remember) throw invalidClient('this server cannot refuse a replayed client assertion, so it accepts none')
      const payload = await verifyClientJwt(
        context.keys,
        client,
        assertion.value,
        {
          audience: context.issuer,
          now: context.now,
          clockSkew: CLOCK_SKEW,
          subjectIsClient: true,
          requiredClaims: ['sub', 'jti'],
          maxLifetime: MAX_ASSERTION_LIFETIME,
          maxLength: MAX_ASSERTION_LENGTH,
          algs,
          // RFC 8725 §3.11: a request object, DPoP proof or access token is not a client assertion.
          typ: (typ) => typ === undefined || /^(?:application\/)?jwt$/i.test(typ),
        },
        invalidClient,
      )
      checkAudience(payload.aud, context.issuer)
      const { jti, exp } = payload as { jti: unknown; exp: number }
      if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH)
        throw invalidClient('client_assertion jti must be a short string')
      // RFC 7523 §3: the jti is single use for as long as the assertion could be accepted.
      const fresh = await remember('jti', sha256Hex(`${client.client_id}:${jti}`), exp + CLOCK_SKEW + 1, context.now)
      if (!fresh) throw invalidClient('client_assertion was already used: its jti is single use (RFC 7523 section 3)')
      return true
    },
  }
}

/**
 * The assertion's `aud` is this server's issuer identifier, as a single string, at every endpoint.
 * RFC 7523 §3 and RFC 9126 §2 also allowed an endpoint's URL, or an array naming this server among
 * others; both let a malicious authorization server that a client also uses obtain an assertion it
 * can replay here (the 2025 private_key_jwt audience-injection disclosure), so the update of
 * RFC 7523 (draft-ietf-oauth-rfc7523bis) and FAPI 2.0 §5.3.2.1 accept the issuer alone.
 * oauth4webapi and openid-client send the issuer.
 */
function checkAudience(aud: unknown, issuer: string): void {
  if (aud !== issuer) {
    throw invalidClient('client_assertion aud must be the issuer identifier alone, as a string (draft-ietf-oauth-rfc7523bis)')
  }
}

/** private_key_jwt with every algorithm of CLIENT_JWT_ALGS. */
export const privateKeyJwt: ClientAuthMethod = createPrivateKeyJwt()
