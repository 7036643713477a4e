import { presentedToken } from './bearer-token.js'
import { bearerChallenge, dpopChallenge, temporarilyUnavailable, tokenChallenge } from './challenge.js'
import { createProofReplayCache, DPOP_ALGS, verifyResourceProof } from './dpop-proof.js'
import { createIntrospection, type TokenCheck } from './introspect.js'
import { metadataResponse } from './metadata.js'
import { resolveOptions } from './options.js'
import { createSameProcessCheck } from './same-process.js'
import type { RemoteOptions, ResourceServer, ResourceServerOptions, SameProcessOptions, VerifiedAccess } from './types.js'

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
  const sameProcess = 'provider' in options && options.provider !== undefined
  const check: (token: string, request: Request, scopes: string[]) => Promise<TokenCheck | Response> = sameProcess
    ? createSameProcessCheck((options as SameProcessOptions).provider, resource, metadataUrl)
    : createIntrospection(options as RemoteOptions, resource)
  const now = sameProcess ? Date.now : ((options as RemoteOptions).now ?? Date.now)
  const firstUse = createProofReplayCache((options as RemoteOptions).cacheSize ?? 10_000)

  /**
   * RFC 9449 §7.1 in remote mode (the same-process provider checks proofs itself): a bound token
   * only under the DPoP scheme with a proof by its key, a DPoP-scheme token only when bound.
   */
  async function checkBinding(request: Request, token: string, dpop: boolean, access: VerifiedAccess): Promise<Response | null> {
    if (sameProcess) return null
    if (!dpop) {
      return access.cnf
        ? dpopChallenge(
            metadataUrl,
            'invalid_token',
            'the access token is bound to a DPoP key: present it with the DPoP scheme and a proof',
            DPOP_ALGS,
          )
        : null
    }
    const proof = await verifyResourceProof(request, token, Math.floor(now() / 1000), firstUse)
    if ('refused' in proof) return dpopChallenge(metadataUrl, 'invalid_dpop_proof', proof.refused, DPOP_ALGS)
    if (access.cnf?.jkt !== proof.jkt)
      return dpopChallenge(
        metadataUrl,
        'invalid_token',
        'the DPoP proof key does not match the key the access token is bound to',
        DPOP_ALGS,
      )
    return null
  }
  /**
   * RFC 6750 §3.1, RFC 9449 §7.2: a request without a token hears which schemes to use. Remote
   * mode takes Bearer and DPoP; the same-process provider answers with the schemes it takes.
   */
  async function noToken(request: Request): Promise<Response> {
    if (sameProcess) {
      const answer = await check('', request, [])
      if (answer instanceof Response) return answer
    }
    return tokenChallenge(401, metadataUrl, 'bearer', DPOP_ALGS)
  }
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
      const presented = presentedToken(request)
      if (presented === undefined) return noToken(request)
      if (presented === 'malformed') return bearerChallenge(400, metadataUrl, 'invalid_request', 'the Authorization header is malformed')
      const scheme = presented.dpop ? 'dpop' : 'bearer'
      const result = await check(presented.value, request, scopes)
      if (result instanceof Response) return result
      if ('unavailable' in result) {
        options.onError?.(result.unavailable, request)
        return temporarilyUnavailable()
      }
      if ('refused' in result) return tokenChallenge(401, metadataUrl, scheme, DPOP_ALGS, 'invalid_token', result.refused)
      const refusal = await checkBinding(request, presented.value, presented.dpop, result)
      if (refusal) return refusal
      if (scopes.some((scope) => !result.scopes.includes(scope))) {
        return tokenChallenge(
          403,
          metadataUrl,
          scheme,
          DPOP_ALGS,
          'insufficient_scope',
          'the access token lacks a required scope',
          scopes.join(' '),
        )
      }
      return result
    },
  }
}
