import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import { emit } from '../../events/emit.js'
import { json } from '../../http/responses.js'
import { OAuthError } from '../../primitives/errors.js'
import { checkRegistrationRate } from '../../rate-limit/registration.js'
import { clientInformation, newDynamicClient } from './client-information.js'
import { parseClientMetadata } from './client-metadata.js'
import { checkInitialAccessToken, consumeInitialAccessToken } from './credentials.js'
import { decideMetadata } from './policy.js'
import { readJson } from './read-json.js'

/**
 * The client registration endpoint (RFC 7591 §3), `{basePath}/register/`: a POST of JSON client
 * metadata answered 201 with the client information (§3.2.1), or 400 `invalid_redirect_uri` /
 * `invalid_client_metadata` (§3.2.2). Checks in order: the method, the rate limit per address,
 * the initial access token (policy 'token'), the metadata, the policy and onRegister; only then
 * is the initial access token spent and the client stored.
 */
export async function register(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  const registration = provider.config.registration
  if (!registration) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
  if (request.method !== 'POST') throw new OAuthError('invalid_request', 'use POST', { status: 405, headers: { allow: 'POST' } })
  await checkRegistrationRate(provider, call, registration)
  const initialToken = registration.policy === 'token' ? await checkInitialAccessToken(provider, request) : undefined
  const requested = parseClientMetadata(await readJson(request))
  const metadata = await decideMetadata(provider, call, registration, requested, { request, action: 'register' })
  const { client, client_secret, registration_access_token } = newDynamicClient(provider, metadata)
  if (initialToken !== undefined) await consumeInitialAccessToken(provider, initialToken)
  await provider.config.storage.putClient(client)
  emit(provider, call, {
    type: 'client.registered',
    client_id: client.client_id,
    ...(call.clientAddress ? { address: call.clientAddress } : {}),
  })
  return json(clientInformation(provider, client, { client_secret, registration_access_token }), 201)
}
