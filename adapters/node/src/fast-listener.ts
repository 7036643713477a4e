import type { IncomingMessage, ServerResponse } from 'node:http'
import { installLeanResponse, LeanResponse } from './lean-response.js'

/** The node:http objects of a request, passed beside it as @hono/node-server's `HttpBindings` are. */
export interface NodeBindings {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

/** A Fetch handler: the provider's `handle`, or one wrapped in the request log. */
export type FetchHandler = (request: Request, bindings: NodeBindings) => Promise<Response>

/**
 * The most body bytes buffered before the handler runs: the core's own cap (64 KiB) plus one, so
 * that the core still sees a body that is too large and refuses it with 413.
 */
const MAX_BUFFERED = 64 * 1024 + 1

const BAD_REQUEST = 'Bad Request'

/**
 * A node:http request listener that hands each request to a Fetch handler with less conversion
 * than @hono/node-server: the body (small for every Grantline endpoint) is read into one buffer
 * first, so the Request is built from bytes instead of a Node stream bridged to a web stream, and
 * the Response, always fully formed by the core, is written with one `end()`: `new Response()`
 * builds a LeanResponse in this process (lean-response.ts), as @hono/node-server's listener
 * installs its own lightweight Response. The benchmark
 * (test/bench, docs/benchmarks.md) shows where this matters: the token endpoint on Node.
 */
export function toFastListener(handle: FetchHandler): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  installLeanResponse()
  return (incoming, outgoing) => {
    const method = incoming.method ?? 'GET'
    if (method === 'GET' || method === 'HEAD') {
      respond(handle, incoming, outgoing, null, false)
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
      respond(handle, incoming, outgoing, body, overflow)
    }
    incoming.on('data', onData)
    incoming.on('end', finish)
    incoming.on('error', () => outgoing.destroy())
  }
}

// A Host header as RFC 9110 allows it (reg-name or IP literal, optional port); anything else is a 400.
const HOST = /^([A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/

/** The request's URL from its Host header (the core takes its issuer from configuration, never from here). */
function requestUrl(incoming: IncomingMessage): string | undefined {
  const host = incoming.headers.host ?? 'localhost'
  const path = incoming.url ?? '/'
  // A backslash before the query is a 400, as with @hono/node-server: URL parsing would read it as "/".
  const backslash = path.indexOf('\\')
  const query = path.indexOf('?')
  if (backslash !== -1 && (query === -1 || backslash < query)) return undefined
  if (!path.startsWith('/')) return absoluteUrl(path)
  if (!HOST.test(host)) return undefined
  const scheme = (incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
  return `${scheme}://${host}${path}`
}

/** RFC 9112 §3.2.2: a server must accept a target in absolute form (what clients send a proxy). */
function absoluteUrl(target: string): string | undefined {
  if (!target.startsWith('http://') && !target.startsWith('https://')) return undefined
  return URL.canParse(target) ? new URL(target).href : undefined
}

// A field name as Fetch takes one (RFC 9110 §5.6.2 token); `get`/`has` of any other name throws, as Headers does.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function headersOf(raw: string[]): Headers {
  const headers = new Headers()
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  return headers
}

/**
 * A request's Headers as the core reads them: `get` and `has` scan node's rawHeaders without
 * building a Headers object, and `get` joins a repeated field with ", " as Fetch does (RFC 9110
 * §5.3), so a repeated Authorization reads "a, b", never silently the first one. Any other member
 * builds the real Headers once and answers from it; from then on `get` and `has` read it too, so a
 * host's `set` or `delete` is seen.
 */
class LeanHeaders {
  readonly #raw: string[]
  #real: Headers | undefined

  constructor(raw: string[]) {
    this.#raw = raw
  }

  get(name: string): string | null {
    if (this.#real || typeof name !== 'string' || !TOKEN.test(name)) return this.real().get(name)
    const wanted = name.toLowerCase()
    const raw = this.#raw
    let value: string | null = null
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i]!
      if (key.length === wanted.length && key.toLowerCase() === wanted) value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]}`
    }
    return value
  }

  has(name: string): boolean {
    return this.get(name) !== null
  }

  /** The real Headers, built on first use of any other member. */
  real(): Headers {
    this.#real ??= headersOf(this.#raw)
    return this.#real
  }
}

const OWN_HEADERS = new Set<PropertyKey>(['constructor', 'get', 'has'])
for (const name of Reflect.ownKeys(Headers.prototype)) {
  const descriptor = Object.getOwnPropertyDescriptor(Headers.prototype, name)
  // Symbol.toStringTag is a plain value, inherited as it is.
  if (OWN_HEADERS.has(name) || typeof descriptor?.value !== 'function') continue
  Object.defineProperty(LeanHeaders.prototype, name, {
    value(this: LeanHeaders, ...args: unknown[]) {
      return (this.real() as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[name]!(...args)
    },
  })
}
// `request.headers instanceof Headers` holds.
Object.setPrototypeOf(LeanHeaders.prototype, Headers.prototype)

/**
 * A Request as far as the core reads one (method, url, headers, the whole body as text), answered
 * from the buffered request without building the Fetch objects Node makes slowly (Request, its
 * AbortSignal, a web stream for the body). Any other member builds the real Request once and
 * answers from it, so a host's hook that reads `signal` or calls `formData()` still works.
 */
class LeanRequest {
  readonly #method: string
  readonly #url: string
  readonly #raw: string[]
  #body: Buffer | null
  #headers: LeanHeaders | undefined
  #real: Request | undefined

  constructor(method: string, url: string, raw: string[], body: Buffer | null) {
    this.#method = method
    this.#url = url
    this.#raw = raw
    this.#body = body && body.length > 0 ? body : null
  }

  get method(): string {
    return this.#method
  }

  get url(): string {
    return this.#url
  }

  get headers(): Headers {
    if (this.#real) return this.#real.headers
    this.#headers ??= new LeanHeaders(this.#raw)
    return this.#headers as unknown as Headers
  }

  async text(): Promise<string> {
    if (this.#real) return this.#real.text()
    const body = this.#take()
    return body ? body.toString('utf8') : ''
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real) return this.#real.arrayBuffer()
    const body = this.#take()
    return body ? new Uint8Array(body).buffer : new ArrayBuffer(0)
  }

  #used = false

  #take(): Buffer | null {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read')
    this.#used = true
    return this.#body
  }

  /** The real Request, built on first use of any other member. */
  real(): Request {
    this.#real ??= new Request(this.#url, {
      method: this.#method,
      headers: this.#headers ? this.#headers.real() : headersOf(this.#raw),
      body: this.#used ? null : (this.#body as Uint8Array<ArrayBuffer> | null),
    })
    return this.#real
  }
}

const OWN = new Set(['constructor', 'method', 'url', 'headers', 'text', 'arrayBuffer'])
for (const name of Object.getOwnPropertyNames(Request.prototype)) {
  if (OWN.has(name)) continue
  const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, name)
  if (typeof descriptor?.value === 'function') {
    Object.defineProperty(LeanRequest.prototype, name, {
      value(this: LeanRequest, ...args: unknown[]) {
        return (this.real() as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args)
      },
    })
  } else {
    Object.defineProperty(LeanRequest.prototype, name, {
      get(this: LeanRequest) {
        return (this.real() as unknown as Record<string, unknown>)[name]
      },
    })
  }
}
// `request instanceof Request` holds, as with @hono/node-server's lazy request.
Object.setPrototypeOf(LeanRequest.prototype, Request.prototype)

function toRequest(incoming: IncomingMessage, body: Buffer | null): Request | undefined {
  const url = requestUrl(incoming)
  if (url === undefined) return undefined
  return new LeanRequest(incoming.method ?? 'GET', url, incoming.rawHeaders, body) as unknown as Request
}

function respond(handle: FetchHandler, incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer | null, close: boolean): void {
  const request = toRequest(incoming, body)
  if (!request) {
    // A Host header or request target that makes no URL.
    outgoing.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end(BAD_REQUEST)
    return
  }
  handle(request, { incoming, outgoing })
    .then((response) => writeResponse(response, outgoing, close))
    .catch(() => {
      // The core renders its own errors; this is a handler that threw, or a body that failed.
      if (outgoing.headersSent) outgoing.destroy()
      else outgoing.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error')
    })
}

async function writeResponse(response: Response, outgoing: ServerResponse, close: boolean): Promise<void> {
  const lean = response instanceof LeanResponse ? response.leanBody() : undefined
  const body = lean !== undefined ? (lean ?? undefined) : response.body ? Buffer.from(await response.arrayBuffer()) : undefined
  const record = response instanceof LeanResponse ? response.leanHeaders() : undefined
  const headers = (record && fromRecord(record, typeof body === 'string')) ?? fromHeaders(response.headers)
  if (close) headers.push('connection', 'close')
  if (!hasField(headers, 'content-length') && response.status !== 204 && response.status !== 304) {
    // A known length, so that an empty body (a redirect) is not sent chunked.
    const length = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength
    headers.push('content-length', String(length))
  }
  if (outgoing.getHeaderNames().length > 0) {
    // Headers already set on `outgoing` (drainOnClose's `connection: close`, a host's): node 20's
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

/** Name, value, name, value: lowercase names, one entry per Set-Cookie. */
function fromHeaders(headers: Headers): string[] {
  const list: string[] = []
  for (const [name, value] of headers) if (name !== 'set-cookie') list.push(name, value)
  for (const cookie of headers.getSetCookie()) list.push('set-cookie', cookie)
  return list
}

const EDGE_WHITESPACE = /^[\t\n\r ]|[\t\n\r ]$/
const TRIM = /^[\t\n\r ]+|[\t\n\r ]+$/g

/**
 * A LeanResponse's plain record as `new Headers(record)` reads it, without building one: names
 * lowercased, values without leading or trailing whitespace, and text/plain for a string body
 * without a type. Undefined when two names differ only in case (Headers would join them in one
 * field): the Headers path then writes them.
 */
function fromRecord(record: Readonly<Record<string, string>>, text: boolean): string[] | undefined {
  const list: string[] = []
  let mixedCase = false
  for (const key of Object.keys(record)) {
    const name = key.toLowerCase()
    if (name !== key) mixedCase = true
    const value = String(record[key])
    list.push(name, EDGE_WHITESPACE.test(value) ? value.replace(TRIM, '') : value)
  }
  if (mixedCase && new Set(list.filter((_, i) => i % 2 === 0)).size !== list.length / 2) return undefined
  if (text && !hasField(list, 'content-type')) list.push('content-type', 'text/plain;charset=UTF-8')
  return list
}

function hasField(list: string[], name: string): boolean {
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return true
  return false
}
