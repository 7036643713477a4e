import { promises as dns, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { Readable } from 'node:stream'
import { isPublicAddress } from '@grantline/core'

export interface SafeFetchOptions {
  /**
   * Resolves a host name to every address it has. Default: `dns.lookup` with `all: true` (the
   * system resolver, as any Node client uses). Tests inject one to map names without DNS.
   */
  resolve?(hostname: string): Promise<LookupAddress[]>
  /**
   * FOR TESTS ONLY: lets through an address that is not public, such as a test server on
   * 127.0.0.1. In production it would reopen the server-side request forgery this function closes.
   */
  allowAddress?(address: string): boolean
}

/** The error a refused host or address rejects with; fetch's own network failures are TypeErrors too. */
export class SpecialUseAddressError extends TypeError {
  readonly code = 'ERR_SPECIAL_USE_ADDRESS'

  constructor(host: string) {
    super(`${host} is or resolves to a special-use address (RFC 6890); not connected`)
    this.name = 'SpecialUseAddressError'
  }
}

const NULL_BODY_STATUSES = new Set([204, 205, 304])

/**
 * The name is resolved once; if any of its addresses is special-use the connection is refused,
 * otherwise the socket connects to exactly those addresses. A DNS answer that changes between a
 * check and the connection (rebinding) therefore cannot slip past: there is no second lookup.
 */
function checkingLookup(resolve: (hostname: string) => Promise<LookupAddress[]>, permitted: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0)
        if (addresses.some((entry) => !permitted(entry.address))) return callback(new SpecialUseAddressError(hostname), '', 0)
        const family = options.family === 4 || options.family === 6 ? options.family : 0
        const usable = family === 0 ? addresses : addresses.filter((entry) => entry.family === family)
        const first = usable[0]
        if (!first) return callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }), '', 0)
        if (options.all) return callback(null, usable)
        return callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    )
  }
}

function toResponse(message: IncomingMessage, method: string): Response {
  const status = message.statusCode ?? 0
  if (status < 200 || status > 599) {
    message.destroy()
    throw new TypeError(`unusable HTTP status ${status}`)
  }
  const headers = new Headers()
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i]!, message.rawHeaders[i + 1]!)
  const empty = method === 'HEAD' || NULL_BODY_STATUSES.has(status)
  if (empty) message.resume()
  const body = empty ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>)
  return new Response(body, { status, statusText: message.statusMessage ?? '', headers })
}

function send(url: URL, request: Request, body: Uint8Array | undefined, lookup: LookupFunction): Promise<Response> {
  return new Promise((resolve, reject) => {
    // Some hosts refuse requests without a User-Agent; the caller's own one wins.
    const headers: Record<string, string> = { 'user-agent': 'grantline' }
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    const options = { method: request.method, headers, lookup, agent: false as const, signal: request.signal }
    const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (message) => {
      if (request.redirect === 'error' && message.statusCode !== undefined && message.statusCode >= 300 && message.statusCode < 400) {
        message.destroy()
        return reject(new TypeError('redirect refused (redirect: "error")'))
      }
      try {
        resolve(toResponse(message, request.method))
      } catch (error) {
        reject(error)
      }
    })
    outgoing.on('error', (error) => reject(request.signal.aborted ? request.signal.reason : error))
    outgoing.end(body)
  })
}

/**
 * A `fetch` for outbound requests made on a client's say-so (Client ID Metadata Documents,
 * draft-ietf-oauth-client-id-metadata-document §8.6): it refuses IP literals that are not public
 * before any connection, and names that resolve to any special-use address (private, loopback,
 * link-local, unique-local, CGNAT, multicast, IPv4-mapped forms...) after one resolution and
 * before connecting, then connects to the checked addresses only.
 *
 * It is small by design: http and https, a fresh connection per request, no redirects ever
 * followed (a 3xx is returned as it is), no decompression (it sends no Accept-Encoding), and the
 * request's `signal` aborts the connection and the body.
 */
export function safeFetch(options: SafeFetchOptions = {}): typeof fetch {
  const resolve = options.resolve ?? ((hostname: string) => dns.lookup(hostname, { all: true, verbatim: true }))
  const permitted = (address: string) => isPublicAddress(address) || options.allowAddress?.(address) === true
  const lookup = checkingLookup(resolve, permitted)
  return async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new TypeError(`safeFetch fetches only http and https, not ${url.protocol}`)
    // An IP literal is connected to without a lookup, so it is checked here.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
    if (isIP(host) !== 0 && !permitted(host)) throw new SpecialUseAddressError(host)
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer())
    return send(url, request, body, lookup)
  }
}
