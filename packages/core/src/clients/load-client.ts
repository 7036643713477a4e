import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { Client } from '../contracts/storage.js'
import { looksLikeClientIdUrl } from '../protocol/client-id-url.js'
import { checkAddressRate } from '../rate-limit/address-rate.js'

/**
 * Document fetches one client address may cause (cache misses), per window: a host uses a few
 * documents; anyone naming new URLs by the hundred is making the server send requests for them.
 */
const DOCUMENT_FETCHES = { max: 30, windowSeconds: 600 }

/**
 * The client a request names by `client_id`, wherever it is registered. A client registered here
 * keeps its record, even one whose id is a URL (draft-ietf-oauth-client-id-metadata-document
 * §6.10, pre-registered URLs). Otherwise, when `clientIdMetadataDocuments` is on and the id is
 * URL-shaped, it is a Client Identifier URL: its document is read through the provider's cache
 * (fetched and validated when absent or stale, at most DOCUMENT_FETCHES per client address) and
 * mapped to a Client (public, or a private_key_jwt one). Nothing is stored here: `storeDocumentClient` keeps the client once
 * a grant is issued to it, so that naming URLs fills no table.
 *
 * Resolves null for an unknown client, as `Storage.getClient` does. Throws an OAuthError
 * `invalid_client` (400) whose description names the problem when the URL or its document is
 * refused, or `temporarily_unavailable` (429) past the fetch limit: an endpoint must treat that
 * as an unknown client, never redirect to the client.
 */
export async function loadClient(
  provider: Pick<ProviderContext, 'config' | 'clientMetadataDocuments'>,
  call: Pick<RequestContext, 'clientAddress'>,
  clientId: string,
): Promise<Client | null> {
  const stored = await provider.config.storage.getClient(clientId)
  if (stored && !fromDocument(stored)) return stored
  const documents = provider.clientMetadataDocuments
  if (!documents || !looksLikeClientIdUrl(clientId)) return null
  if (!documents.cached(clientId)) {
    await checkAddressRate(
      provider,
      call.clientAddress,
      'client_metadata',
      DOCUMENT_FETCHES,
      'too many client metadata documents from this address; retry later',
    )
  }
  const { client } = await documents.load(clientId)
  if (!stored) return client
  // A stored copy follows its document, so that tokens see the current registration.
  const current = { ...client, created_at: stored.created_at }
  if (JSON.stringify(current) !== JSON.stringify(stored)) await provider.config.storage.putClient(current)
  return current
}

/**
 * Keeps a metadata document's client in storage when a grant is issued to it: tokens belong to a
 * stored client (deleting a client ends them), and `cleanup()` removes it once unused, like a
 * dynamically registered one. Other clients are stored already; nothing happens for them.
 */
export async function storeDocumentClient(provider: Pick<ProviderContext, 'config'>, client: Client): Promise<void> {
  if (!fromDocument(client)) return
  if (!(await provider.config.storage.getClient(client.client_id))) await provider.config.storage.putClient(client)
}

/** A metadata document's client: self-asserted, with a URL for its id and no registration of its own. */
function fromDocument(client: Client): boolean {
  return client.dynamic && client.registration_token_hash === null && looksLikeClientIdUrl(client.client_id)
}
