import type { ProviderContext } from '../contracts/context.js'
import type { VerifiedToken, VerifyOptions } from '../contracts/provider.js'
import type { AccessTokenRecord, TokenWithFamily } from '../contracts/storage.js'
import { bindingRefusal, resourceProof } from '../dpop/resource-proof.js'
import { sha256Hex } from '../primitives/crypto.js'
import { dpopEnabled } from '../protocol/capabilities.js'
import { canonicalResource } from '../protocol/resources.js'

/**
 * RFC 6750 §3: a `WWW-Authenticate: Bearer` challenge; without an error code when the request
 * carried no token (§3.1), with a JSON body naming the error otherwise.
 */
export function bearerChallenge(status: 400 | 401 | 403, realm: string, error?: string, description?: string, scope?: string): Response {
  const parts = [`realm="${realm}"`]
  if (error) parts.push(`error="${error}"`)
  if (description) parts.push(`error_description="${description}"`)
  if (scope) parts.push(`scope="${scope}"`)
  const headers: Record<string, string> = { 'www-authenticate': `Bearer ${parts.join(', ')}`, 'cache-control': 'no-store' }
  // No token, no error (RFC 6750 §3.1): the challenge alone, with no body to type.
  if (!error) return new Response(null, { status, headers })
  headers['content-type'] = 'application/json'
  return new Response(JSON.stringify({ error, error_description: description }), { status, headers })
}

/** The authentication scheme a token came under: Bearer (RFC 6750) or DPoP (RFC 9449 §7.1). */
export type TokenScheme = 'bearer' | 'dpop'

/**
 * RFC 6750 §3 and RFC 9449 §7.1, §7.2: the challenge of a protected resource that refuses a
 * request. When the server takes DPoP proofs it offers the DPoP scheme with its `algs` beside
 * Bearer (Bearer is left out under `dpop.required`, which issues no Bearer token); the error, if
 * any, goes on the scheme the token came under. No error (no token): the challenges alone, no body.
 */
export function tokenChallenge(
  config: Pick<ProviderContext['config'], 'issuer' | 'dpop' | 'storage'>,
  status: 401 | 403,
  scheme: TokenScheme,
  error?: string,
  description?: string,
  scope?: string,
): Response {
  const dpop = dpopEnabled(config.storage)
  if (!dpop) return bearerChallenge(status, config.issuer, error, description, scope)
  const bearer = !config.dpop.required
  const realm = `realm="${config.issuer}"`
  const details = [
    ...(error ? [`error="${error}"`] : []),
    ...(description ? [`error_description="${description}"`] : []),
    ...(scope ? [`scope="${scope}"`] : []),
  ]
  const onDpop = scheme === 'dpop' || !bearer
  const challenges = [
    ...(bearer ? [`Bearer ${[realm, ...(onDpop ? [] : details)].join(', ')}`] : []),
    `DPoP ${[realm, ...(onDpop ? details : []), `algs="${config.dpop.algs.join(' ')}"`].join(', ')}`,
  ]
  // The challenge carrying the error comes first.
  if (onDpop) challenges.reverse()
  const headers: Record<string, string> = { 'www-authenticate': challenges.join(', '), 'cache-control': 'no-store' }
  if (!error) return new Response(null, { status, headers })
  headers['content-type'] = 'application/json'
  return new Response(JSON.stringify({ error, error_description: description }), { status, headers })
}

/**
 * RFC 6750 §2.1: the token of an `Authorization: Bearer` header; undefined when the request has
 * no Bearer header, a ready 400 challenge when the header is malformed.
 */
export function bearerFromHeader(provider: ProviderContext, request: Request): string | undefined | Response {
  const header = request.headers.get('authorization')
  if (!header || !/^bearer /i.test(header)) return undefined
  const value = header.slice(7).trim()
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(value))
    return bearerChallenge(400, provider.config.issuer, 'invalid_request', 'the Authorization header is malformed')
  return value
}

/** An access token as a request presents it: under the Bearer scheme (RFC 6750) or DPoP (RFC 9449 §7.1). */
export interface PresentedToken {
  value: string
  dpop: boolean
}

/**
 * The token of an `Authorization: Bearer` (RFC 6750 §2.1) or `Authorization: DPoP` (RFC 9449
 * §7.1) header; undefined when there is neither, a ready 400 challenge when it is malformed.
 */
export function presentedFromHeader(provider: ProviderContext, request: Request): PresentedToken | undefined | Response {
  const header = request.headers.get('authorization')
  if (!header || !/^dpop /i.test(header)) {
    const bearer = bearerFromHeader(provider, request)
    return typeof bearer === 'string' ? { value: bearer, dpop: false } : bearer
  }
  const value = header.slice(5).trim()
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(value))
    return bearerChallenge(400, provider.config.issuer, 'invalid_request', 'the Authorization header is malformed')
  return { value, dpop: true }
}

/**
 * RFC 6750 §3.1 and RFC 9449 §7.1: the valid access token (with its family) a request presents,
 * its DPoP proof checked when it comes under the DPoP scheme, or a ready challenge.
 */
export async function checkPresentedToken(
  provider: ProviderContext,
  request: Request,
  presented: PresentedToken,
  required: readonly string[] = [],
  url: string = request.url,
): Promise<TokenWithFamily<AccessTokenRecord> | Response> {
  if (!presented.dpop) return checkBearerToken(provider, presented.value, required)
  const jkt = await resourceProof(provider.config, request, presented.value, url)
  if (jkt instanceof Response) return jkt
  return checkBearerToken(provider, presented.value, required, jkt)
}

/**
 * RFC 6750 §3.1: the valid access token (with its family) named by a presented value, or a ready
 * 401 `invalid_token` / 403 `insufficient_scope` challenge. A token bound to a DPoP key (RFC 9449
 * §7.1) is valid only with `proofJkt`, the thumbprint of an already checked proof's key.
 */
export async function checkBearerToken(
  provider: ProviderContext,
  value: string,
  required: readonly string[] = [],
  proofJkt: string | null = null,
): Promise<TokenWithFamily<AccessTokenRecord> | Response> {
  const scheme: TokenScheme = proofJkt === null ? 'bearer' : 'dpop'
  const found = await provider.config.storage.findAccessToken(sha256Hex(value), provider.config.seconds())
  if (!found) return tokenChallenge(provider.config, 401, scheme, 'invalid_token', 'the access token is invalid, expired or revoked')
  const refusal = bindingRefusal(provider.config, found.token.cnf_jkt, proofJkt)
  if (refusal) return refusal
  if (required.some((scope) => !found.token.scopes.includes(scope))) {
    return tokenChallenge(provider.config, 403, scheme, 'insufficient_scope', 'the access token lacks a required scope', required.join(' '))
  }
  return found
}

/**
 * RFC 6750 §2.1 and §3: checks the Bearer token of a request to a protected resource, the
 * analogue of DOT's ProtectedResourceView. Answers the token, or a ready 400/401/403 Response
 * with its `WWW-Authenticate: Bearer` challenge (and the DPoP one with its `algs` when the server
 * takes DPoP proofs, RFC 9449 §7.2). A DPoP-bound token (RFC 9449 §7.1) comes as
 * `Authorization: DPoP` with a proof for this request's URL (without query) carrying `ath`;
 * refusals of those answer a `WWW-Authenticate: DPoP` challenge.
 */
export async function verifyAccessToken(
  provider: ProviderContext,
  request: Request,
  options: VerifyOptions = {},
): Promise<VerifiedToken | Response> {
  const presented = presentedFromHeader(provider, request)
  if (presented === undefined) return tokenChallenge(provider.config, 401, 'bearer')
  if (presented instanceof Response) return presented
  const found = await checkPresentedToken(provider, request, presented, options.scopes)
  if (found instanceof Response) return found
  const { token } = found
  if (options.resource !== undefined && !token.audience.includes(canonicalResource(options.resource) ?? options.resource)) {
    return tokenChallenge(
      provider.config,
      401,
      presented.dpop ? 'dpop' : 'bearer',
      'invalid_token',
      'the access token is not meant for this resource',
    )
  }
  return { sub: token.sub, client_id: token.client_id, scopes: token.scopes, expires_at: token.expires_at, audience: token.audience }
}
