import type { ProviderContext } from '../../contracts/context.js'
import { OAuthError } from '../../primitives/errors.js'

/** OAuth 2.0 Multiple Response Types §2.1 and OAuth 2.0 Form Post Response Mode §2. */
export type ResponseMode = 'query' | 'fragment' | 'form_post'

/**
 * Multiple Response Types §2.1 / §3: `query` for a code alone, `fragment` for any response that
 * carries a token or an ID Token. Read from the raw response_type so that an error about the
 * response_type itself already goes back in the right place; `id_token` means an ID Token only
 * when OpenID Connect is on.
 */
export function defaultResponseMode(provider: ProviderContext, responseType: string | undefined): ResponseMode {
  const members = responseType?.split(' ') ?? []
  const tokens = members.includes('token') || (provider.config.oidc !== undefined && members.includes('id_token'))
  return tokens ? 'fragment' : 'query'
}

/**
 * The `response_mode` parameter: query, fragment, or form_post when OpenID Connect is on. `query`
 * is refused for responses that carry tokens (Multiple Response Types §2.1: "MUST NOT"), since
 * query strings end up in logs and Referer headers.
 */
export function checkResponseMode(provider: ProviderContext, requested: string | undefined, fallback: ResponseMode): ResponseMode {
  if (requested === undefined) return fallback
  const known = requested === 'query' || requested === 'fragment' || (requested === 'form_post' && provider.config.oidc !== undefined)
  if (!known) throw new OAuthError('invalid_request', `the response_mode "${requested}" is not supported`)
  if (requested === 'query' && fallback === 'fragment') {
    throw new OAuthError('invalid_request', 'response_mode=query cannot carry tokens; use fragment or form_post')
  }
  return requested as ResponseMode
}
