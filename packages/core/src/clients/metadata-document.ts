import type { ResolvedConfig } from '../contracts/config.js'
import type { MetadataDocumentClient } from '../contracts/services.js'
import { metadataDocumentError, parseClientIdUrl } from '../protocol/client-id-url.js'
import { documentToClient } from './document-to-client.js'
import { readDocument } from './read-document.js'

/** A client read from its document, and how long it may be served from cache. */
export interface FetchedClientMetadataDocument extends MetadataDocumentClient {
  /** Seconds: the document's Cache-Control max-age (less its Age), within `cacheSeconds`. */
  cacheSeconds: number
}

/**
 * RFC 9111 §5.2.2.1 max-age, less the Age the response already has (§5.1), clamped to
 * [min, max] (§5.2: the server may bound it). `no-store` or `no-cache`, or no max-age, gives
 * `min`: a document is never re-fetched more often than that.
 */
export function documentCacheSeconds(headers: Headers, bounds: { min: number; max: number }): number {
  const directives = (headers.get('cache-control') ?? '')
    .toLowerCase()
    .split(',')
    .map((directive) => directive.trim())
  if (directives.includes('no-store') || directives.includes('no-cache')) return bounds.min
  const maxAge = directives.map((directive) => /^max-age="?(\d+)"?$/.exec(directive)?.[1]).find((value) => value !== undefined)
  if (maxAge === undefined) return bounds.min
  const age = /^\d+$/.test(headers.get('age') ?? '') ? Number(headers.get('age')) : 0
  return Math.min(bounds.max, Math.max(bounds.min, Number(maxAge) - age))
}

/**
 * draft-ietf-oauth-client-id-metadata-document: fetches and validates the document a Client
 * Identifier URL names, uncached. The URL is checked first (§3, and the host against special-use
 * addresses, §8.6), then the operator's `allow` policy (§8.9), and only then fetched (§5, §8.7);
 * the document must describe a client of this URL without a shared secret (§4, §4.1). Every failure is an
 * OAuthError invalid_client whose description names the problem.
 */
export async function fetchClientMetadataDocument(config: ResolvedConfig, clientId: string): Promise<FetchedClientMetadataDocument> {
  const options = config.clientIdMetadataDocuments
  if (!options) throw metadataDocumentError('this server does not accept client_id URLs (client ID metadata documents are off)')
  const url = parseClientIdUrl(clientId)
  if (options.allow && !(await options.allow(url))) {
    throw metadataDocumentError(
      `client_id URL host ${url.host} is not allowed by this server (draft-ietf-oauth-client-id-metadata-document §8.9)`,
    )
  }
  const { json, headers } = await readDocument(url, { fetch: config.fetch, maxBytes: options.maxBytes, timeoutMs: options.timeoutMs })
  return { ...documentToClient(json, clientId, url, config.seconds()), cacheSeconds: documentCacheSeconds(headers, options.cacheSeconds) }
}
