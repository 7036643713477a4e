import { authenticateClient } from '../client-auth/authenticate-client.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import { nonceHeader } from '../dpop/check-proof.js'
import { tokenRequestProof } from '../dpop/token-proof.js'
import { grantContext } from '../grants/grant-services.js'
import { readForm } from '../http/form.js'
import { json } from '../http/responses.js'
import { OAuthError } from '../primitives/errors.js'

/** Refuses a token request with parameters in the URI (RFC 6749 §3.2: credentials never in the query). */
function checkNoQuery(request: Request): void {
  const query = request.url.indexOf('?')
  if (query !== -1 && query < request.url.length - 1) {
    throw new OAuthError('invalid_request', 'send parameters in the request body, not the URI (RFC 6749 §3.2)')
  }
}

export function checkPost(request: Request): void {
  if (request.method !== 'POST') throw new OAuthError('invalid_request', 'use POST', { status: 405, headers: { allow: 'POST' } })
  checkNoQuery(request)
}

/**
 * The token endpoint (RFC 6749 §3.2): a grant pipeline. The grant_type selects a registered
 * handler; the authenticated client must be allowed that grant, and the server must enable it.
 */
export async function token(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  checkPost(request)
  const params = await readForm(request)
  const client = await authenticateClient(provider, call, params, { endpoint: provider.endpoints.token_endpoint })
  const grantType = params.get('grant_type')
  if (grantType === undefined) throw new OAuthError('invalid_request', 'the grant_type parameter is required')
  const grant = provider.grants.get(grantType)
  if (!grant || !provider.enabledGrants.has(grantType)) {
    throw new OAuthError('unsupported_grant_type', `the grant_type "${grantType}" is not supported`)
  }
  if (!client.grant_types.includes(grantType)) throw new OAuthError('unauthorized_client', `this client may not use the ${grantType} grant`)
  // RFC 9449 §5: a valid proof binds what is issued to its key.
  const proof = await tokenRequestProof(provider, request, client)
  const dpopJkt = proof?.jkt ?? null
  const now = provider.config.seconds()
  const body = await grant.handle(grantContext(provider, call, { request, params, client, dpopJkt, now }, grantType))
  return provider.config.dpop.nonce ? json(body, 200, await nonceHeader(provider.config)) : json(body)
}
