import { withResourceMetadata } from './challenge.js'
import type { TokenCheck } from './introspect.js'
import { WRONG_AUDIENCE } from './introspection-answer.js'
import type { SameProcessProvider } from './types.js'

/**
 * Same process: the provider reads its own storage (no introspection, no cache, so a revocation
 * takes effect at once) and is told which resource asks, so it refuses a token meant for another
 * (RFC 8707). Its audience is checked here again all the same; its own challenges are answered
 * with this resource's metadata URL added (RFC 9728 §5.1).
 */
export function createSameProcessCheck(provider: SameProcessProvider, resource: string, metadataUrl: string) {
  // The provider reads the token from the request itself, header checks included.
  // Its challenges (no token, a missing scope) name the schemes it takes: Bearer, and DPoP when on.
  return async function check(_token: string, request: Request, required: string[] = []): Promise<TokenCheck | Response> {
    let result: Awaited<ReturnType<SameProcessProvider['verifyAccessToken']>>
    try {
      result = await provider.verifyAccessToken(request, { resource, ...(required.length > 0 ? { scopes: required } : {}) })
    } catch (error) {
      return { unavailable: error }
    }
    if (result instanceof Response) return withResourceMetadata(result, metadataUrl)
    if (result.audience !== undefined && !result.audience.includes(resource)) return { refused: WRONG_AUDIENCE }
    const { sub, client_id, scopes, expires_at, audience = [] } = result
    return { sub, client_id, scopes, expires_at, audience }
  }
}
