import type { NodeBindings } from './fast-listener.js'

/** The peer address, kept on the request itself (cheaper per request than a WeakMap). */
const ADDRESS = Symbol('grantline.address')
type WithAddress = Request & { [ADDRESS]?: string }

/** Remembers the peer address of a request arriving through `serve()` or `toNodeListener()`. */
export function rememberAddress(request: Request, bindings: NodeBindings | undefined): void {
  // Read now: a socket forgets its peer once closed (node caches it per connection once read).
  const address = bindings?.incoming?.socket?.remoteAddress
  if (address) (request as WithAddress)[ADDRESS] = address
}

/**
 * The caller's address: the TCP peer, which `serve()` and `toNodeListener()` already pass the core
 * for its rate limits. Behind a reverse proxy every request shares the proxy's address: then give
 * `createProvider({ clientAddress: (request) => clientAddress(request, { trustProxy: true }) })`,
 * which uses the right-most `X-Forwarded-For` entry (the one the proxy itself appended).
 */
export function clientAddress(request: Request, options: { trustProxy?: boolean } = {}): string | undefined {
  const peer = (request as WithAddress)[ADDRESS]
  if (!options.trustProxy) return peer
  const forwarded = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
  return forwarded || peer
}
