import { type ClientBase, randomClientId, toClient } from '../../clients/client-record.js'
import type { ClientInput } from '../../contracts/clients.js'
import type { ProviderContext } from '../../contracts/context.js'
import type { RegistrationMetadata } from '../../contracts/registration.js'
import type { Client, TokenEndpointAuthMethod } from '../../contracts/storage.js'
import { randomSecret, sha256Hex } from '../../primitives/crypto.js'
import { ConfigError, OAuthError } from '../../primitives/errors.js'
import { informational, invalidMetadata } from './client-metadata.js'

/** RFC 7592 §1: where the client manages its registration, `{basePath}/register/{client_id}`. */
export function registrationClientUri(provider: ProviderContext, clientId: string): string {
  const { issuer, basePath } = provider.config
  return `${new URL(issuer).origin}${basePath}/register/${encodeURIComponent(clientId)}`
}

/** The name a client that gave none is shown by: the host it redirects to, else its id. */
function defaultName(metadata: RegistrationMetadata, clientId: string): string {
  const first = metadata.redirect_uris[0]
  return (first && new URL(first).host) || clientId
}

/**
 * The Client record of a registration, through the same validation as every client (clients/clients-api.ts):
 * a public client when it authenticates with `none`, a confidential one otherwise. A problem
 * there is the registrant's: `invalid_redirect_uri` or `invalid_client_metadata` (RFC 7591 §3.2.2).
 */
export function toDynamicClient(metadata: RegistrationMetadata, base: Omit<ClientBase, 'metadata' | 'dynamic'>): Client {
  const method = metadata.token_endpoint_auth_method as TokenEndpointAuthMethod
  const input: ClientInput = {
    client_name: metadata.client_name ?? defaultName(metadata, base.client_id),
    client_type: method === 'none' ? 'public' : 'confidential',
    token_endpoint_auth_method: method,
    grant_types: metadata.grant_types,
    response_types: metadata.response_types,
    redirect_uris: metadata.redirect_uris,
    post_logout_redirect_uris: metadata.post_logout_redirect_uris,
    scope: metadata.scope,
  }
  try {
    return toClient(input, { ...base, dynamic: true, metadata: informational(metadata) })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    if (error.code === 'ERR_INVALID_REDIRECT_URI') throw new OAuthError('invalid_redirect_uri', error.message)
    throw invalidMetadata(error.message)
  }
}

/** A new dynamic client with its secrets: a client secret when confidential, a registration access token always. */
export function newDynamicClient(provider: ProviderContext, metadata: RegistrationMetadata) {
  // A public client has no secret, nor does one that authenticates with its key (RFC 7523).
  const method = metadata.token_endpoint_auth_method
  const client_secret = method === 'none' || method === 'private_key_jwt' ? undefined : randomSecret('gl_cs_')
  const registration_access_token = randomSecret('gl_ra_')
  const client = toDynamicClient(metadata, {
    client_id: randomClientId(),
    created_at: provider.config.seconds(),
    secret_hash: client_secret ? sha256Hex(client_secret) : null,
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    registration_token_hash: sha256Hex(registration_access_token),
  })
  return { client, client_secret, registration_access_token }
}

/**
 * RFC 7591 §3.2.1 and RFC 7592 §3: the client information response: every registered member, the
 * client_id and when it was issued, `client_secret_expires_at: 0` for a client with a secret, and
 * where to manage it. Secrets appear only when just issued: they are stored hashed.
 */
export function clientInformation(
  provider: ProviderContext,
  client: Client,
  issued: { client_secret?: string | undefined; registration_access_token?: string | undefined },
): Record<string, unknown> {
  return {
    client_id: client.client_id,
    client_id_issued_at: client.created_at,
    ...(issued.client_secret ? { client_secret: issued.client_secret } : {}),
    ...(client.secret_hash !== null ? { client_secret_expires_at: 0 } : {}),
    client_name: client.client_name,
    redirect_uris: client.redirect_uris,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    grant_types: client.grant_types,
    response_types: client.response_types,
    ...(client.scope ? { scope: client.scope } : {}),
    ...(client.post_logout_redirect_uris.length > 0 ? { post_logout_redirect_uris: client.post_logout_redirect_uris } : {}),
    ...client.metadata,
    ...(issued.registration_access_token ? { registration_access_token: issued.registration_access_token } : {}),
    registration_client_uri: registrationClientUri(provider, client.client_id),
  }
}
