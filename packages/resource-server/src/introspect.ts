import { readIntrospection } from './introspection-answer.js'
import { createTokenCache, tokenKey } from './token-cache.js'
import type { RemoteOptions, VerifiedAccess } from './types.js'

/** What a token check concludes: the access, a refusal (its description), or that nobody could be asked. */
export type TokenCheck = VerifiedAccess | { refused: string } | { unavailable: unknown }

/** RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams([['', value]]).toString().slice(1)
  return `Basic ${btoa(`${encode(clientId)}:${encode(clientSecret)}`)}`
}

/**
 * RFC 7662 §2.1: asks the authorization server about a token, as a client authenticated with
 * client_secret_basic. A positive answer is reused until the token's `exp` and for at most 60 s
 * (so a revocation takes up to that long to reach this resource); a refusal is never reused.
 * A network failure, a non-200 answer or one that is not an introspection response leaves the
 * token undecided (`unavailable`), never refused: the resource answers 503, not 401.
 */
export function createIntrospection(options: RemoteOptions, resource: string) {
  const fetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const now = options.now ?? Date.now
  const cache = createTokenCache(options.cacheSize ?? 10_000)
  const authorization = basicCredentials(options.introspection.clientId, options.introspection.clientSecret)

  async function ask(token: string): Promise<unknown> {
    const response = await fetch(options.introspection.endpoint, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      redirect: 'manual',
    })
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new Error(`introspection answered ${response.status}`)
    }
    return response.json()
  }

  return async function check(token: string): Promise<TokenCheck> {
    const key = await tokenKey(token)
    const cached = cache.get(key, now())
    if (cached) return cached
    let body: unknown
    try {
      body = await ask(token)
    } catch (error) {
      return { unavailable: error }
    }
    const at = now()
    const read = readIntrospection(body, resource, at)
    if (read === null) return { unavailable: new Error('the introspection answer is not an RFC 7662 response') }
    if (typeof read === 'string') return { refused: read }
    cache.set(key, read, at)
    return read
  }
}
