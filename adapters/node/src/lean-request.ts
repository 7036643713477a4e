import type { IncomingMessage } from 'node:http'
import { delegateToReal } from './delegate-to-real.js'
import { headersOf, LeanHeaders } from './lean-headers.js'

// A Host header as RFC 9110 allows it (reg-name or IP literal, optional port); anything else is a 400.
const HOST = /^([A-Za-z0-9._~!$&'()*+,;=%-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/

/** The origin each Host value made, by scheme and Host; a few are plenty, since nearly every request repeats one. */
const origins = new Map<string, string>()
const ORIGINS_KEPT = 16

/**
 * RFC 9112 §3.2: a Host the URL parser refuses (port over 65535, `999.999.999.999`, `[::1::2]`)
 * is a 400 here, before any code reads `request.url`. Else the origin as the URL parser writes it
 * (lowercase, no default port). The parser runs once per new value, so a request whose Host was
 * seen before costs one lookup.
 */
function originOf(scheme: string, host: string): string | undefined {
  const key = `${scheme}://${host}`
  const known = origins.get(key)
  if (known !== undefined) return known
  if (!HOST.test(host) || !URL.canParse(`${key}/`)) return undefined
  const url = new URL(`${key}/`)
  if (origins.size >= ORIGINS_KEPT) origins.clear()
  origins.set(key, `${url.protocol}//${url.host}`)
  return origins.get(key)
}

/**
 * A path and query the URL parser writes back unchanged: no dot segment (`.`, `..`, `%2e`) and only
 * characters it leaves as they are. Anything else goes through the parser, so that `request.url`
 * is always what `new Request(url).url` would be.
 */
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/
const DOT_SEGMENT = /\/\.{1,2}(?:[/?]|$)|%2e/i

/** The request's URL from its Host header (the core takes its issuer from configuration, never from here). */
function requestUrl(incoming: IncomingMessage): string | undefined {
  if (hostLines(incoming.rawHeaders) > 1) return undefined
  const host = incoming.headers.host ?? 'localhost'
  const path = incoming.url ?? '/'
  // A backslash before the query is a 400, as with @hono/node-server: URL parsing would read it as "/".
  const backslash = path.indexOf('\\')
  const query = path.indexOf('?')
  if (backslash !== -1 && (query === -1 || backslash < query)) return undefined
  if (!path.startsWith('/')) return absoluteUrl(path)
  const origin = originOf((incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http', host)
  if (origin === undefined) return undefined
  if (PLAIN_TARGET.test(path) && !DOT_SEGMENT.test(path)) return `${origin}${path}`
  return URL.canParse(`${origin}${path}`) ? new URL(`${origin}${path}`).href : undefined
}

/** RFC 9112 §3.2: a request with more than one Host line is a 400 (Node keeps the first silently). */
function hostLines(raw: string[]): number {
  let count = 0
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    if (name.length === 4 && name.toLowerCase() === 'host') count++
  }
  return count
}

/** RFC 9112 §3.2.2: a server must accept a target in absolute form (what clients send a proxy). */
function absoluteUrl(target: string): string | undefined {
  if (!target.startsWith('http://') && !target.startsWith('https://')) return undefined
  return URL.canParse(target) ? new URL(target).href : undefined
}

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

// `request instanceof Request` holds, as with @hono/node-server's lazy request.
delegateToReal(LeanRequest, Request, ['method', 'url', 'headers', 'text', 'arrayBuffer'])

/** The lean Request for a node:http request and its buffered body; undefined when its Host header or target makes no URL. */
export function toRequest(incoming: IncomingMessage, body: Buffer | null): Request | undefined {
  const url = requestUrl(incoming)
  if (url === undefined) return undefined
  return new LeanRequest(incoming.method ?? 'GET', url, incoming.rawHeaders, body) as unknown as Request
}
