import type { Endpoint, ProviderContext } from '../contracts/context.js'
import type { CorsOrigins } from '../contracts/services.js'
import type { Storage } from '../contracts/storage.js'
import { renderError } from './render-error.js'

/** How long the union of the clients' allowed origins is trusted before it is read again. */
const ORIGINS_TTL_SECONDS = 60

/**
 * A preflight names no client, so it is granted for any origin that some client allows: the union
 * of every client's list, read with `listClients` at most every 60 s per instance (a new origin
 * may wait that long for preflights). The response itself is readable only by the authenticated
 * client's own origins (`withClientCors`), which is the property that protects tokens.
 */
export function createCorsOrigins(storage: Storage, seconds: () => number): CorsOrigins {
  let loaded: { at: number; origins: Promise<Set<string>> } | undefined
  return {
    async has(origin) {
      const now = seconds()
      if (!loaded || now - loaded.at >= ORIGINS_TTL_SECONDS) {
        const origins = storage.listClients().then((clients) => new Set(clients.flatMap((client) => client.allowed_cors_origins)))
        const entry = { at: now, origins }
        loaded = entry
        // A failed read is not cached: the next preflight tries again.
        origins.catch(() => {
          if (loaded === entry) loaded = undefined
        })
      }
      return (await loaded.origins).has(origin)
    },
  }
}

/** The request's Origin, unless absent or opaque (`null`: sandboxed frames, files), which no client can own. */
function requestOrigin(request: Request): string | undefined {
  const origin = request.headers.get('origin')
  return origin && origin !== 'null' ? origin : undefined
}

/**
 * CORS for the endpoints a browser-based client calls with its credentials (token, revocation,
 * introspection; RFC 9700 §2.6 allows CORS on the endpoints a client calls directly): a preflight is answered for origins
 * some client allows; a response carries `Access-Control-Allow-Origin` only when the client that
 * authenticated lists the request's Origin, errors after authentication included. Never
 * `Access-Control-Allow-Credentials`: client credentials travel in the request, not in cookies.
 */
export function withClientCors(endpoint: Endpoint): Endpoint {
  return async (provider, request, call) => {
    const origin = requestOrigin(request)
    if (request.method === 'OPTIONS') return preflight(provider, request, origin)
    let response: Response
    try {
      response = await endpoint(provider, request, call)
    } catch (error) {
      response = renderError(error, 'json', request, provider.config.onError)
    }
    // Without an Origin (a server-side client) nothing varies: these responses are no-store, and
    // one without CORS headers is what any request without an Origin gets.
    if (origin === undefined) return response
    response.headers.append('vary', 'Origin')
    if (call.client?.allowed_cors_origins.includes(origin)) {
      response.headers.set('access-control-allow-origin', origin)
      // RFC 9449 §8: a browser client reads the server's nonce.
      response.headers.set('access-control-expose-headers', 'DPoP-Nonce')
    }
    return response
  }
}

/** Fetch §3.2.2 CORS-preflight: 204, with the allow-headers only for an origin some client allows. */
async function preflight(provider: ProviderContext, request: Request, origin: string | undefined): Promise<Response> {
  const headers = new Headers({ allow: 'OPTIONS, POST', vary: 'Origin' })
  if (origin !== undefined && request.headers.has('access-control-request-method') && (await provider.corsOrigins.has(origin))) {
    headers.set('access-control-allow-origin', origin)
    headers.set('access-control-allow-methods', 'POST')
    headers.set('access-control-allow-headers', 'Authorization, Content-Type, DPoP')
    headers.set('access-control-max-age', '600')
  }
  return new Response(null, { status: 204, headers })
}

/**
 * RFC 9700 §2.6: "CORS MUST NOT be supported at the Authorization Endpoint"; nor on the pages: a
 * response that somehow carries CORS headers (a `renderConsent` hook, a host's page) loses them.
 */
export function withoutCors(response: Response): Response {
  const { headers } = response
  if (!headers.has('access-control-allow-origin') && !headers.has('access-control-allow-credentials')) return response
  const copy = new Response(response.body, response)
  copy.headers.delete('access-control-allow-origin')
  copy.headers.delete('access-control-allow-credentials')
  return copy
}
