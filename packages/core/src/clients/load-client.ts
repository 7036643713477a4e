import type { ProviderContext } from '../context.js'
import type { Client } from '../storage.js'
import { looksLikeClientIdUrl } from './client-id-url.js'

/**
 * The client a request names by `client_id`, wherever it is registered. Storage first: a
 * registered client keeps its record, even one whose id is a URL (draft-ietf-oauth-client-id-
 * metadata-document §6.10, pre-registered URLs). Otherwise, when `clientIdMetadataDocuments` is
 * on and the id is URL-shaped, it is a Client Identifier URL: its document is read through the
 * provider's cache (fetched and validated when absent or stale) and mapped to a public Client.
 *
 * Resolves null for an unknown client, as `Storage.getClient` does. Throws an OAuthError
 * `invalid_client` (400) whose description names the problem when the URL or its document is
 * refused: an endpoint must treat that as an unknown client, never redirect to the client.
 */
export async function loadClient(
  provider: Pick<ProviderContext, 'config' | 'clientMetadataDocuments'>,
  clientId: string,
): Promise<Client | null> {
  const stored = await provider.config.storage.getClient(clientId)
  const documents = provider.clientMetadataDocuments
  if (stored || !documents || !looksLikeClientIdUrl(clientId)) return stored
  return (await documents.load(clientId)).client
}
