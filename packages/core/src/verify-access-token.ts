import type { ProviderContext } from './context.js'
import { sha256Hex } from './crypto.js'

/** The token behind a request that passed `verifyAccessToken`. */
export interface VerifiedToken {
  /** The resource owner; null for a client acting for itself (client_credentials). */
  sub: string | null
  client_id: string
  scopes: string[]
  /** Epoch seconds. */
  expires_at: number
}

function challenge(status: 400 | 401 | 403, realm: string, error?: string, description?: string, scope?: string): Response {
  const parts = [`realm="${realm}"`]
  if (error) parts.push(`error="${error}"`)
  if (description) parts.push(`error_description="${description}"`)
  if (scope) parts.push(`scope="${scope}"`)
  return new Response(error ? JSON.stringify({ error, error_description: description }) : null, {
    status,
    headers: { 'www-authenticate': `Bearer ${parts.join(', ')}`, 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

/**
 * RFC 6750 §2.1 and §3: checks the Bearer token of a request to a protected resource, the
 * analogue of DOT's ProtectedResourceView. Answers the token, or a ready 400/401/403 Response
 * with its `WWW-Authenticate: Bearer` challenge.
 */
export async function verifyAccessToken(provider: ProviderContext, request: Request, options: { scopes?: string[] } = {}): Promise<VerifiedToken | Response> {
  const realm = provider.config.issuer
  const header = request.headers.get('authorization')
  if (!header || !/^bearer /i.test(header)) return challenge(401, realm)
  const value = header.slice(7).trim()
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(value)) return challenge(400, realm, 'invalid_request', 'the Authorization header is malformed')
  const found = await provider.config.storage.findAccessToken(sha256Hex(value), provider.config.seconds())
  if (!found) return challenge(401, realm, 'invalid_token', 'the access token is invalid, expired or revoked')
  const { token } = found
  const required = options.scopes ?? []
  if (required.some((scope) => !token.scopes.includes(scope))) {
    return challenge(403, realm, 'insufficient_scope', 'the access token lacks a required scope', required.join(' '))
  }
  return { sub: token.sub, client_id: token.client_id, scopes: token.scopes, expires_at: token.expires_at }
}
