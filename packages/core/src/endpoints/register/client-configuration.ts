import type { RegistrationConfig } from '../../config/registration.js'
import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import type { Client } from '../../contracts/storage.js'
import { emit } from '../../events/emit.js'
import { pathnameOf } from '../../http/pathname.js'
import { json, NO_STORE } from '../../http/responses.js'
import { randomSecret, sha256Hex, timingSafeEqual } from '../../primitives/crypto.js'
import { OAuthError } from '../../primitives/errors.js'
import { clientInformation, toDynamicClient } from './client-information.js'
import { invalidMetadata, parseClientMetadata } from './client-metadata.js'
import { authenticateRegistration } from './credentials.js'
import { decideMetadata } from './policy.js'
import { readJson } from './read-json.js'

/** The client_id a configuration URL names: the percent-decoded last path segment. */
function clientIdOf(provider: ProviderContext, request: Request): string {
  const segment = pathnameOf(request.url).slice(`${provider.config.basePath}/register/`.length).replace(/\/$/, '')
  try {
    return decodeURIComponent(segment)
  } catch {
    // Names no client: the same 401 as any other unknown client_id.
    return ''
  }
}

/**
 * The client configuration endpoint (RFC 7592 §2), `{basePath}/register/{client_id}`, for a
 * client that registered itself: GET reads its registration (§2.1), PUT replaces it (§2.2) and
 * DELETE removes it with every consent and grant (§2.3). Each needs the client's registration
 * access token; any failure to present it is one 401 `invalid_token`, never a 404 that would
 * tell which client_ids exist.
 */
export async function clientConfiguration(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  const registration = provider.config.registration
  if (!registration) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
  if (request.method !== 'GET' && request.method !== 'PUT' && request.method !== 'DELETE') {
    throw new OAuthError('invalid_request', 'use GET, PUT or DELETE', { status: 405, headers: { allow: 'GET, PUT, DELETE' } })
  }
  const client = await authenticateRegistration(provider, request, clientIdOf(provider, request))
  const address = call.clientAddress ? { address: call.clientAddress } : {}
  if (request.method === 'GET') return json(clientInformation(provider, client, {}))
  if (request.method === 'PUT') return update(provider, call, registration, request, client)
  await provider.config.storage.deleteClient(client.client_id, provider.config.seconds())
  emit(provider, call, { type: 'client.deleted', client_id: client.client_id, ...address })
  return new Response(null, { status: 204, headers: NO_STORE })
}

/**
 * RFC 7592 §2.2: the body must name this client_id, and may repeat the client secret only as it
 * is. Fields the server issues (registration_access_token, registration_client_uri,
 * client_secret_expires_at, client_id_issued_at) are ignored.
 */
function checkIdentity(body: unknown, client: Client): void {
  const { client_id, client_secret } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (client_id !== client.client_id) throw invalidMetadata('client_id must be present and equal the client being updated (RFC 7592 §2.2)')
  if (client_secret === undefined) return
  if (typeof client_secret !== 'string' || !client.secret_hash || !timingSafeEqual(sha256Hex(client_secret), client.secret_hash)) {
    throw invalidMetadata('client_secret, when sent, must be the current one: a client cannot choose its secret (RFC 7592 §2.2)')
  }
}

/**
 * RFC 7592 §2.2: a full replacement with the checks of a registration; omitted fields take their
 * defaults. The client secret stays; the registration access token is rotated, and the new one
 * returned: the old one stops working at once.
 */
async function update(
  provider: ProviderContext,
  call: RequestContext,
  registration: RegistrationConfig,
  request: Request,
  current: Client,
): Promise<Response> {
  const body = await readJson(request)
  checkIdentity(body, current)
  const requested = parseClientMetadata(body)
  const metadata = await decideMetadata(provider, call, registration, requested, {
    request,
    action: 'update',
    client_id: current.client_id,
  })
  if ((metadata.token_endpoint_auth_method === 'none') !== (current.client_type === 'public')) {
    throw invalidMetadata('token_endpoint_auth_method cannot change between none and a client secret; register a new client')
  }
  const registration_access_token = randomSecret('gl_ra_')
  const client = toDynamicClient(metadata, {
    client_id: current.client_id,
    created_at: current.created_at,
    secret_hash: current.secret_hash,
    previous_secret_hash: current.previous_secret_hash,
    previous_secret_expires_at: current.previous_secret_expires_at,
    registration_token_hash: sha256Hex(registration_access_token),
  })
  await provider.config.storage.putClient(client)
  emit(provider, call, {
    type: 'client.updated',
    client_id: client.client_id,
    ...(call.clientAddress ? { address: call.clientAddress } : {}),
  })
  return json(clientInformation(provider, client, { registration_access_token }))
}
