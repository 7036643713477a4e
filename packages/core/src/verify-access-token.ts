import type { ProviderContext } from './context.js'
import { sha256Hex } from './crypto.js'
import { canonicalResource } from './resources.js'
import type { AccessTokenRecord, TokenWithFamily } from './storage.js'

/** The token behind a request that passed `verifyAccessToken`. */
export interface VerifiedToken {
  /** The resource owner; null for a client acting for itself (client_credentials). */
  sub: string | null
  client_id: string
  scopes: string[]
  /** Epoch seconds. */
  expires_at: number
  /** The resources the token is for (RFC 8707); empty when it named none. */
  audience: string[]
}

export interface VerifyOptions {
  /** Scopes the token must all carry; otherwise 403 insufficient_scope. */
  scopes?: string[]
  /**
   * This resource's indicator (RFC 8707): a token whose audience does not include it, or that has
   * no audience, is refused with 401 invalid_token, so a token for another API cannot be replayed here.
   */
  resource?: string
}

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

/**
 * RFC 6750 §3.1: the valid access token (with its family) named by a presented value, or a ready
 * 401 `invalid_token` / 403 `insufficient_scope` challenge.
 */
export async function checkBearerToken(
  provider: ProviderContext,
  value: string,
  required: readonly string[] = [],
): Promise<TokenWithFamily<AccessTokenRecord> | Response> {
  const realm = provider.config.issuer
  const found = await provider.config.storage.findAccessToken(sha256Hex(value), provider.config.seconds())
  if (!found) return bearerChallenge(401, realm, 'invalid_token', 'the access token is invalid, expired or revoked')
  if (required.some((scope) => !found.token.scopes.includes(scope))) {
    return bearerChallenge(403, realm, 'insufficient_scope', 'the access token lacks a required scope', required.join(' '))
  }
  return found
}

/**
 * RFC 6750 §2.1 and §3: checks the Bearer token of a request to a protected resource, the
 * analogue of DOT's ProtectedResourceView. Answers the token, or a ready 400/401/403 Response
 * with its `WWW-Authenticate: Bearer` challenge.
 */
export async function verifyAccessToken(
  provider: ProviderContext,
  request: Request,
  options: VerifyOptions = {},
): Promise<VerifiedToken | Response> {
  const value = bearerFromHeader(provider, request)
  if (value === undefined) return bearerChallenge(401, provider.config.issuer)
  if (value instanceof Response) return value
  const found = await checkBearerToken(provider, value, options.scopes)
  if (found instanceof Response) return found
  const { token } = found
  if (options.resource !== undefined && !token.audience.includes(canonicalResource(options.resource) ?? options.resource)) {
    return bearerChallenge(401, provider.config.issuer, 'invalid_token', 'the access token is not meant for this resource')
  }
  return { sub: token.sub, client_id: token.client_id, scopes: token.scopes, expires_at: token.expires_at, audience: token.audience }
}
