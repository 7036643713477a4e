import type { ProviderContext } from '../contracts/context.js'
import { metadata } from '../protocol/capabilities.js'

/** OIDC Discovery §4 and RFC 8414 §3: the metadata document, cacheable, readable cross-origin. */
export async function discovery(provider: ProviderContext): Promise<Response> {
  return new Response(JSON.stringify(metadata(provider)), {
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' },
  })
}

/** RFC 7517 key set with the JWKS max-age the key rotation is timed by. */
export async function jwks(provider: ProviderContext): Promise<Response> {
  if (!provider.keys || !provider.config.oidc) return new Response('Not Found', { status: 404 })
  return new Response(JSON.stringify(await provider.keys.jwks()), {
    headers: {
      'content-type': 'application/jwk-set+json',
      'cache-control': `public, max-age=${provider.config.oidc.jwksMaxAge}`,
      'access-control-allow-origin': '*',
    },
  })
}
