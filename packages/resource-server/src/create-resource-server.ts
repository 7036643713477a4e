import { bearerToken } from './bearer-token.js'
import { bearerChallenge, temporarilyUnavailable } from './challenge.js'
import { createIntrospection, type TokenCheck } from './introspect.js'
import { metadataResponse } from './metadata.js'
import { resolveOptions } from './options.js'
import { createSameProcessCheck } from './same-process.js'
import type { RemoteOptions, ResourceServer, ResourceServerOptions, SameProcessOptions } from './types.js'

/**
 * Creates what an API or MCP server needs to accept Grantline's access tokens: its RFC 9728
 * metadata document and an RFC 6750 token check bound to this resource (RFC 8707).
 *
 * Same process (`provider`): the Worker or server that also runs the authorization server asks it
 * directly. Remote (`introspection`): the authorization server's RFC 7662 endpoint is asked, and a
 * positive answer reused for at most 60 s. Settings are checked once, here; a bad one throws a
 * `ConfigError` with code `ERR_INVALID_CONFIG`.
 */
export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  const { resource, metadataUrl, document } = resolveOptions(options)
  const check: (token: string, request: Request) => Promise<TokenCheck | Response> =
    'provider' in options && options.provider !== undefined
      ? createSameProcessCheck((options as SameProcessOptions).provider, resource, metadataUrl)
      : createIntrospection(options as RemoteOptions, resource)
  const metadataPath = new URL(metadataUrl)
  const owns = (request: Request) => {
    const url = new URL(request.url)
    return url.pathname === metadataPath.pathname && (metadataPath.search === '' || url.search === metadataPath.search)
  }

  return {
    resource,
    metadataUrl,
    owns,
    metadata(request) {
      if (!owns(request)) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
      return metadataResponse(request, document)
    },
    async verify(request, { scopes = [] } = {}) {
      const token = bearerToken(request)
      if (token === undefined) return bearerChallenge(401, metadataUrl)
      if (token === 'malformed') return bearerChallenge(400, metadataUrl, 'invalid_request', 'the Authorization header is malformed')
      const result = await check(token, request)
      if (result instanceof Response) return result
      if ('unavailable' in result) {
        options.onError?.(result.unavailable, request)
        return temporarilyUnavailable()
      }
      if ('refused' in result) return bearerChallenge(401, metadataUrl, 'invalid_token', result.refused)
      if (scopes.some((scope) => !result.scopes.includes(scope))) {
        return bearerChallenge(403, metadataUrl, 'insufficient_scope', 'the access token lacks a required scope', scopes.join(' '))
      }
      return result
    },
  }
}
