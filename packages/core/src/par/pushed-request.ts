import type { ProviderContext } from '../contracts/context.js'
import type { Params } from '../contracts/params.js'
import type { Client } from '../contracts/storage.js'
import { base64url, randomBytes, sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'

/** RFC 9126 §2.2: the URN namespace of a request_uri answered by the PAR endpoint. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:'

/**
 * Stores an authorization request's parameters as a single-use request_uri of `clientId`, valid
 * `ttl` seconds (RFC 9126 §2.2: 256 random bits, so it cannot be guessed, §7.1). Stored by its
 * SHA-256, like every other bearer value.
 */
export async function pushRequest(provider: ProviderContext, clientId: string, params: Params, ttl: number): Promise<string> {
  const { config } = provider
  const requestUri = `${REQUEST_URI_PREFIX}${base64url(randomBytes(32))}`
  const now = config.seconds()
  await config.storage.createPushedRequest({
    hash: sha256Hex(requestUri),
    client_id: clientId,
    params: Object.fromEntries(params),
    created_at: now,
    expires_at: now + ttl,
    consumed_at: null,
  })
  return requestUri
}

const invalidRequestUri = (description: string) => new OAuthError('invalid_request_uri', description)

/**
 * RFC 9126 §4: an authorization request naming a pushed request_uri is answered from what was
 * pushed, and its other parameters but client_id are ignored. The request_uri is consumed here,
 * at first use (§7.3); one that is unknown, expired, already used or pushed by another client is
 * `invalid_request_uri` (RFC 9101 §7), shown on a page since no redirect URI is trusted yet.
 * Answers null for a request without a pushed request_uri, which the usual checks then judge.
 */
export async function loadPushedRequest(provider: ProviderContext, params: Params): Promise<Params | null> {
  const requestUri = params.get('request_uri')
  if (requestUri === undefined || !requestUri.startsWith(REQUEST_URI_PREFIX)) return null
  const clientId = params.get('client_id')
  if (clientId === undefined) throw new OAuthError('invalid_request', 'the client_id parameter is required with request_uri (RFC 9126 §4)')
  const { config } = provider
  const consumed = await config.storage.consume('pushed_request', sha256Hex(requestUri), config.seconds())
  if (consumed.status === 'absent') throw invalidRequestUri('the request_uri is unknown or has expired')
  if (consumed.record.client_id !== clientId) throw invalidRequestUri('the request_uri was pushed by another client')
  if (consumed.status === 'reused') throw invalidRequestUri('the request_uri was already used')
  return new Map(Object.entries(consumed.record.params))
}

/** Whether this client's authorization requests must be pushed: server-wide, or by its own metadata (RFC 9126 §5, §6). */
export function pushRequired(provider: ProviderContext, client: Client): boolean {
  return provider.config.par.required || client.metadata.require_pushed_authorization_requests === true
}

/**
 * The query that brings a user back from signing in to a pushed request: the request pushed
 * again under a new single-use request_uri for as long as an interaction lives, so that its
 * parameters stay out of the front channel (RFC 9126 §1) and it still counts as pushed.
 */
export async function pushedContinuation(provider: ProviderContext, clientId: string, params: Params): Promise<URLSearchParams> {
  const requestUri = await pushRequest(provider, clientId, params, provider.config.ttl.interaction)
  return new URLSearchParams({ client_id: clientId, request_uri: requestUri })
}
