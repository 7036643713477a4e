import { OAuthError } from '../primitives/errors.js'
import { metadataDocumentError } from '../protocol/client-id-url.js'

/** A document that was fetched and parsed, with the Cache-Control it came with. */
export interface FetchedDocument {
  json: unknown
  headers: Headers
}

export interface ReadOptions {
  fetch: typeof fetch | undefined
  maxBytes: number
  timeoutMs: number
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

/** Rejects when `signal` aborts, so a body that stops sending cannot hold the request past the timeout. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort))
}

/**
 * §8.7: reads at most `maxBytes` of the body, as a stream, and gives up as soon as more arrive,
 * whether or not a Content-Length said so.
 */
async function readCapped(response: Response, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const tooLarge = () =>
    metadataDocumentError(`client metadata document is larger than ${maxBytes} bytes (draft-ietf-oauth-client-id-metadata-document §8.7)`)
  const declared = response.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  if (!response.body) return new Uint8Array()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await untilAborted(reader.read(), signal)
      if (done) break
      size += value.byteLength
      if (size > maxBytes) throw tooLarge()
      chunks.push(value)
    }
  } catch (error) {
    reader.cancel().catch(() => {})
    throw error
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** §5: only a 200 answer with a JSON body is a document; a redirect is never followed. */
function checkResponse(response: Response): void {
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    throw metadataDocumentError(
      'client metadata document answered with a redirect, which is not followed (draft-ietf-oauth-client-id-metadata-document §5)',
    )
  }
  if (response.status !== 200) {
    throw metadataDocumentError(
      `client metadata document answered HTTP ${response.status}, not 200 (draft-ietf-oauth-client-id-metadata-document §5)`,
    )
  }
  if (!JSON_MEDIA_TYPE.test(response.headers.get('content-type') ?? '')) {
    throw metadataDocumentError(
      'client metadata document is not served as application/json (draft-ietf-oauth-client-id-metadata-document §4)',
    )
  }
}

/**
 * Fetches a Client ID Metadata Document through the injected `fetch` (the runtime's when none is
 * configured): GET, `Accept: application/json`, no redirects followed, one deadline for the
 * connection and the body, the body capped. Any failure is invalid_client naming the problem; a
 * network error's own text is not repeated, since it would describe the server's network.
 */
export async function readDocument(url: URL, options: ReadOptions): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(options.timeoutMs)
  const customFetch = options.fetch
  const init: RequestInit = { method: 'GET', headers: { accept: 'application/json' }, redirect: 'manual', signal }
  try {
    // Called unbound: some runtimes' fetch refuses any other `this`.
    const response = await untilAborted(customFetch ? customFetch(url.href, init) : fetch(url.href, init), signal)
    try {
      checkResponse(response)
    } catch (error) {
      await response.body?.cancel().catch(() => {})
      throw error
    }
    const bytes = await readCapped(response, options.maxBytes, signal)
    let json: unknown
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    } catch {
      throw metadataDocumentError('client metadata document is not valid JSON (draft-ietf-oauth-client-id-metadata-document §4)')
    }
    return { json, headers: response.headers }
  } catch (error) {
    if (error instanceof OAuthError) throw error
    if (signal.aborted) throw metadataDocumentError(`client metadata document did not arrive within ${options.timeoutMs} ms`)
    throw metadataDocumentError('client metadata document could not be fetched')
  }
}
