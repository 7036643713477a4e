import type { ProviderContext } from '../context.js'
import type { Client } from '../storage.js'
import { looksLikeClientIdUrl } from './client-id-url.js'

/**
 * The client a request names by `client_id`, wherever it is registered. A client registered here
 * keeps its record, even one whose id is a URL (draft-ietf-oauth-client-id-metadata-document
 * §6.10, pre-registered URLs). Otherwise, when `clientIdMetadataDocuments` is on and the id is
 * URL-shaped, it is a Client Identifier URL: its document is read through the provider's cache
 * (fetched and validated when absent or stale) and mapped to a public Client.
 *
 * That Client is also kept in storage, written only when the document changed: tokens belong to
 * a stored client (deleting a client ends them), and `cleanup()` removes it once unused, like a
 * dynamically registered one.
 *
 * Resolves null for an unknown client, as `Storage.getClient` does. Throws an OAuthError
 * `invalid_client` (400) whose description names the problem when the URL or its document is
 * refused: an endpoint must treat that as an unknown client, never redirect to the client.
 */
export async function loadClient(
  provider: Pick<ProviderContext, 'config' | 'clientMetadataDocuments'>,
  clientId: string,
): Promise<Client | null> {
  const { storage } = provider.config
  const stored = await storage.getClient(clientId)
  if (stored && !fromDocument(stored)) return stored
  const documents = provider.clientMetadataDocuments
  if (!documents || !looksLikeClientIdUrl(clientId)) return null
  const { client } = await documents.load(clientId)
  if (!stored) {
    await storage.putClient(client)
    return client
  }
  const current = { ...client, created_at: stored.created_at }
  if (JSON.stringify(current) !== JSON.stringify(stored)) await storage.putClient(current)
  return current
}

/** A stored copy of a metadata document's client: self-asserted, with a URL for its id and no registration of its own. */
function fromDocument(client: Client): boolean {
  return client.dynamic && client.registration_token_hash === null && looksLikeClientIdUrl(client.client_id)
}
