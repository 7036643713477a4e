import type { IncomingMessage, ServerResponse } from 'node:http'
import { createTurns, enableRawResponses, rawResponse } from '@grantline/core'
import { toRequest } from './lean-request.js'

/** The node:http objects of a request, passed beside it as @hono/node-server's `HttpBindings` are. */
export interface NodeBindings {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

export interface FastListenerOptions {
  /** Whether the server is shutting down: each response then says `Connection: close` and ends its connection. */
  closing?: () => boolean
  /**
   * Hand the requests of one pass of the event loop's I/O to the handler together (`createTurns`
   * of @grantline/core) instead of each as its body completes. Only for
   * a server with `httpAllowHalfOpen` set: otherwise node:http ends a connection as soon as the
   * client half-closes it, before an answer deferred to `setImmediate` is written.
   */
  inTurns?: boolean
}

/** A Fetch handler: the provider's `handle`, or one wrapped in the request log. */
export type FetchHandler = (request: Request, bindings: NodeBindings) => Promise<Response>

/**
 * The most body bytes buffered before the handler runs: the core's own cap (64 KiB) plus one, so
 * that the core still sees a body that is too large and refuses it with 413.
 */
const MAX_BUFFERED = 64 * 1024 + 1

const BAD_REQUEST = 'Bad Request'
const SERVER_ERROR = 'Internal Server Error'

/**
 * A node:http request listener that hands each request to a Fetch handler with less conversion
 * than @hono/node-server: the body (small for every Grantline endpoint) is read into one buffer
 * first, so the Request (a LeanRequest, lean-request.ts) is answered from bytes instead of a Node
 * stream bridged to a web stream, and the Response, always fully formed by the core, is read
 * whole and written with one `end()`. It changes no global: the core builds its JSON and redirect
 * responses as GrantlineResponses (a Response subclass that keeps its body text and header record),
 * which the listener writes from those fields; any other Response, the host's included, is the
 * platform's and is read as one (docs/runtimes.md). The benchmark
 * (test/bench, docs/benchmarks.md) shows where this matters: the token endpoint on Node.
 */
export function toFastListener(
  handle: FetchHandler,
  options: FastListenerOptions = {},
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  enableRawResponses()
  const closing = options.closing ?? (() => false)
  const turns = options.inTurns ? createTurns() : undefined
  const answer = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer | null, close: () => boolean) =>
    turns ? turns(() => respond(handle, incoming, outgoing, body, close)) : respond(handle, incoming, outgoing, body, close)
  return (incoming, outgoing) => {
    const method = incoming.method ?? 'GET'
    if (method === 'GET' || method === 'HEAD') {
      answer(incoming, outgoing, null, closing)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let overflow = false
    const onData = (chunk: Buffer) => {
      if (overflow) return
      size += chunk.length
      if (size > MAX_BUFFERED) {
        // Keep cap + 1 bytes (the core answers 413), read no more, and close after the answer.
        overflow = true
        chunks.push(chunk.subarray(0, chunk.length - (size - MAX_BUFFERED)))
        incoming.pause()
        finish()
        return
      }
      chunks.push(chunk)
    }
    const finish = () => {
      incoming.off('data', onData)
      incoming.off('end', finish)
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      answer(incoming, outgoing, body, overflow ? () => true : closing)
    }
    incoming.on('data', onData)
    incoming.on('end', finish)
    incoming.on('error', () => outgoing.destroy())
  }
}

function fail(outgoing: ServerResponse): void {
  if (outgoing.headersSent) outgoing.destroy()
  else plain(outgoing, 500, SERVER_ERROR, false)
}

function respond(
  handle: FetchHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  body: Buffer | null,
  close: () => boolean,
): void {
  const request = toRequest(incoming, body)
  if (!request) {
    // A Host header or request target that makes no URL.
    plain(outgoing, 400, BAD_REQUEST, true)
    return
  }
  let answer: Promise<Response>
  try {
    answer = handle(request, { incoming, outgoing })
  } catch {
    // A handler that threw before returning its promise fails its own request alone.
    fail(outgoing)
    return
  }
  answer
    .then((response) => writeResponse(response, outgoing, close()))
    // The core renders its own errors; this is a handler that threw, or a body that failed.
    .catch(() => fail(outgoing))
}

/** The listener's own short answers: plain text of a known length, never a stack trace. */
function plain(outgoing: ServerResponse, status: number, text: string, close: boolean): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain', 'content-length': String(text.length) }
  if (close) headers.connection = 'close'
  outgoing.writeHead(status, headers).end(text)
}

async function writeResponse(response: Response, outgoing: ServerResponse, close: boolean): Promise<void> {
  const raw = rawResponse(response)
  const body = raw ? (raw.body ?? undefined) : response.body ? await bodyOf(response.body) : undefined
  const headers =
    (raw && (raw.headers instanceof Headers ? fromHeaders(raw.headers) : listOf(raw.headers))) ?? fromHeaders(response.headers)
  if (close) headers.push('connection', 'close')
  if (!hasField(headers, 'content-length') && response.status !== 204 && response.status !== 304) {
    // A known length, so that an empty body (a redirect) is not sent chunked.
    const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    headers.push('content-length', String(length))
  }
  if (outgoing.getHeaderNames().length > 0) {
    // Headers already set on `outgoing` (by a host's framework): node 20's
    // writeHead would set each pair of the list over them, keeping only the last Set-Cookie.
    for (let i = 0; i < headers.length; i += 2) outgoing.removeHeader(headers[i]!)
    for (let i = 0; i < headers.length; i += 2) outgoing.appendHeader(headers[i]!, headers[i + 1]!)
    outgoing.writeHead(response.status)
  } else {
    outgoing.writeHead(response.status, headers)
  }
  outgoing.end(body)
  if (close) outgoing.once('finish', () => outgoing.socket?.destroySoon())
}

/**
 * The whole body, to be written with one `end()` and its length: every body the core sends is
 * small and complete. Iterating the stream is the fastest public way to read a platform Response
 * on Node 20 (a string body is one chunk), faster than `arrayBuffer()` or `text()`.
 */
async function bodyOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of stream) {
    // As Fetch's own readers do: a stream a handler built by hand may hold other values.
    if (!(chunk instanceof Uint8Array)) throw new TypeError('Response body chunk is not a Uint8Array')
    chunks.push(chunk)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
}

/** Name, value, name, value: lowercase names, one entry per Set-Cookie. */
function fromHeaders(headers: Headers): string[] {
  const list: string[] = []
  for (const [name, value] of headers) if (name !== 'set-cookie') list.push(name, value)
  for (const cookie of headers.getSetCookie()) list.push('set-cookie', cookie)
  return list
}

const EDGE_WHITESPACE = /^[\t\n\r ]|[\t\n\r ]$/
const TRIM = /^[\t\n\r ]+|[\t\n\r ]+$/g

/** The lists of frozen header records (the core's shared JSON headers): built once, copied per response. */
const frozenLists = new WeakMap<object, string[] | undefined>()

function listOf(record: Readonly<Record<string, string>>): string[] | undefined {
  if (!Object.isFrozen(record)) return fromRecord(record)
  if (!frozenLists.has(record)) frozenLists.set(record, fromRecord(record))
  return frozenLists.get(record)?.slice()
}

/**
 * A GrantlineResponse's header record as `new Headers(record)` reads it, without building one:
 * names lowercased, values without leading or trailing whitespace. Undefined when two names differ
 * only in case (Headers would join them in one field): the Headers path then writes them.
 */
function fromRecord(record: Readonly<Record<string, string>>): string[] | undefined {
  const list: string[] = []
  let mixedCase = false
  for (const key of Object.keys(record)) {
    const name = key.toLowerCase()
    if (name !== key) mixedCase = true
    const value = String(record[key])
    list.push(name, EDGE_WHITESPACE.test(value) ? value.replace(TRIM, '') : value)
  }
  if (mixedCase && new Set(list.filter((_, i) => i % 2 === 0)).size !== list.length / 2) return undefined
  return list
}

function hasField(list: string[], name: string): boolean {
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return true
  return false
}
