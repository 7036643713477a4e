import { SignJWT } from 'jose'
import type { ClaimsRequest } from '../contracts/accounts.js'
import type { ProviderContext } from '../contracts/context.js'
import type { AccessTokenRecord, Family } from '../contracts/storage.js'
import { readForm } from '../http/form.js'
import { renderError } from '../http/render-error.js'
import { json, NO_STORE } from '../http/responses.js'
import { OAuthError } from '../primitives/errors.js'
import { storedClaimsRequest } from '../tokens/id-token.js'
import {
  bearerChallenge,
  checkPresentedToken,
  type PresentedToken,
  presentedFromHeader,
  tokenChallenge,
} from '../tokens/verify-access-token.js'

/**
 * A bearer-token API answers any origin: the token, never a cookie, authorizes the request, so
 * a wildcard without credentials is safe. Browsers may read the challenge of a refusal.
 */
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'WWW-Authenticate, DPoP-Nonce' }

/**
 * The UserInfo endpoint (OIDC Core §5.3): GET or POST with the access token in the
 * `Authorization: Bearer` header (`DPoP` with a proof for a bound token, RFC 9449 §7.1) or, for a POST, the `access_token` form field (RFC 6750 §2.1,
 * §2.2). Answers the claims the token's scopes release as JSON or, when the request's `Accept`
 * prefers `application/jwt` to `application/json`, as a JWT signed with the active key
 * (§5.3.2; how a client asks until `userinfo_signed_response_alg` is stored with clients).
 */
export async function userinfo(provider: ProviderContext, request: Request): Promise<Response> {
  if (request.method === 'OPTIONS') return preflight()
  let response: Response
  try {
    response = await answer(provider, request)
  } catch (error) {
    // RFC 6750 §3.1: a malformed request is refused with the Bearer challenge, not bare JSON.
    response =
      error instanceof OAuthError && error.error === 'invalid_request' && error.status === 400
        ? bearerChallenge(400, provider.config.issuer, 'invalid_request', error.message)
        : renderError(error, 'json', request, provider.config.onError)
  }
  for (const [name, value] of Object.entries(CORS)) response.headers.set(name, value)
  return response
}

async function answer(provider: ProviderContext, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') {
    throw new OAuthError('invalid_request', 'the userinfo endpoint accepts GET and POST', {
      status: 405,
      headers: { allow: 'GET, POST, OPTIONS' },
    })
  }
  const presented = await presentedToken(provider, request)
  if (presented instanceof Response) return presented
  // RFC 9449 §7.1: a DPoP proof names the endpoint as the issuer does, whatever URL a proxy forwarded.
  const found = await checkPresentedToken(provider, request, presented, ['openid'], provider.endpoints.userinfo_endpoint)
  if (found instanceof Response) return found
  const { token, family } = found
  if (token.sub === null) {
    return tokenChallenge(
      provider.config,
      401,
      presented.dpop ? 'dpop' : 'bearer',
      'invalid_token',
      'the access token does not belong to a user',
    )
  }
  const claims = await releasedClaims(provider, token.sub, token, family)
  return prefersJwt(request.headers.get('accept')) ? signedResponse(provider, claims, token.client_id) : json(claims)
}

/** RFC 6750 §2: the token from the header or the form body, never both (§2 "MUST NOT use more than one method"). */
async function presentedToken(provider: ProviderContext, request: Request): Promise<PresentedToken | Response> {
  const realm = provider.config.issuer
  const fromHeader = presentedFromHeader(provider, request)
  if (fromHeader instanceof Response) return fromHeader
  // §2.2: only a form-encoded POST body may carry the token.
  const isForm = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded'
  const fromBody = request.method === 'POST' && isForm ? (await readForm(request)).get('access_token') : undefined
  if (fromHeader !== undefined && fromBody !== undefined) {
    return bearerChallenge(400, realm, 'invalid_request', 'the access token was sent in more than one way')
  }
  return fromHeader ?? (fromBody === undefined ? tokenChallenge(provider.config, 401, 'bearer') : { value: fromBody, dpop: false })
}

/**
 * OIDC Core §5.3.2: `sub` (always the token's, whatever the host answers) and the claims the
 * token's scopes (§5.4) and the `userinfo` member of the stored `claims` request (§5.5) release.
 */
async function releasedClaims(
  provider: ProviderContext,
  sub: string,
  token: AccessTokenRecord,
  family: Family,
): Promise<Record<string, unknown>> {
  const requested = storedClaimsRequest(family)?.userinfo
  const claimsRequest: ClaimsRequest | undefined =
    typeof requested === 'object' && requested !== null && !Array.isArray(requested)
      ? { userinfo: requested, id_token: undefined }
      : undefined
  const released = await provider.config.accounts.claims(sub, {
    scopes: token.scopes,
    clientId: token.client_id,
    use: 'userinfo',
    ...(claimsRequest ? { claims: claimsRequest } : {}),
  })
  return Object.assign({ sub }, released, { sub })
}

/** RFC 9110 §12.5.1: true when `application/jwt` has a higher quality than `application/json`. */
export function prefersJwt(accept: string | null): boolean {
  if (!accept) return false
  let jwt = 0
  let plain = 0
  for (const range of accept.split(',')) {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase())
    const q = parameters.find((parameter) => parameter.startsWith('q='))
    const quality = q === undefined ? 1 : Number(q.slice(2))
    if (!Number.isFinite(quality)) continue
    if (type === 'application/jwt') jwt = Math.max(jwt, quality)
    if (type === 'application/json') plain = Math.max(plain, quality)
  }
  return jwt > plain
}

/** OIDC Core §5.3.2: a signed UserInfo response carries `iss` and `aud` (the client). */
async function signedResponse(provider: ProviderContext, claims: Record<string, unknown>, clientId: string): Promise<Response> {
  const signer = await provider.keys?.signer()
  if (!signer) throw new OAuthError('server_error', 'no signing key is available yet')
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
    .setIssuer(provider.config.issuer)
    .setAudience(clientId)
    .setIssuedAt(provider.config.seconds())
    .sign(signer.privateKey)
  return new Response(jwt, { headers: { 'content-type': 'application/jwt', ...NO_STORE } })
}

/** The CORS preflight: GET and POST with an `Authorization` header, from any origin. */
function preflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Authorization, DPoP',
      'access-control-max-age': '600',
    },
  })
}
