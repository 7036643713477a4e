import type { ResolvedConfig } from '../contracts/config.js'
import type { ClientMetadataDocuments, MetadataDocumentClient } from '../contracts/services.js'

import { fetchClientMetadataDocument } from './metadata-document.js'

/** Documents kept per provider; the least recently used goes first. */
const MAX_ENTRIES = 1000

/**
 * draft-ietf-oauth-client-id-metadata-document §5.2: an in-memory cache per provider, bounded in
 * size, each document kept for its Cache-Control lifetime within `cacheSeconds` by the injected
 * clock. Errors and invalid documents are never cached; concurrent loads of one URL share a fetch.
 */
export function createClientMetadataDocuments(config: ResolvedConfig): ClientMetadataDocuments {
  const cache = new Map<string, { value: MetadataDocumentClient; expiresAt: number }>()
  const pending = new Map<string, Promise<MetadataDocumentClient>>()

  async function fetchAndKeep(clientId: string): Promise<MetadataDocumentClient> {
    const { cacheSeconds, ...value } = await fetchClientMetadataDocument(config, clientId)
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string)
    cache.set(clientId, { value, expiresAt: config.seconds() + cacheSeconds })
    return value
  }

  return {
    cached(clientId) {
      const entry = cache.get(clientId)
      return (entry !== undefined && config.seconds() < entry.expiresAt) || pending.has(clientId)
    },
    load(clientId) {
      const entry = cache.get(clientId)
      if (entry && config.seconds() < entry.expiresAt) {
        // Moved to the end: the oldest entry in insertion order is the least recently used.
        cache.delete(clientId)
        cache.set(clientId, entry)
        return Promise.resolve(entry.value)
      }
      cache.delete(clientId)
      const inFlight = pending.get(clientId)
      if (inFlight) return inFlight
      const loading = fetchAndKeep(clientId).finally(() => pending.delete(clientId))
      pending.set(clientId, loading)
      return loading
    },
  }
}
