import { createProvider, type Provider, type Storage } from '@grantline/core'
import { cachedStorage, type ReadCache } from '@grantline/kv'
import { createFakeClock } from '../fake-clock.js'
import { testAccounts } from '../test-accounts.js'

const ISSUER = 'https://as.example/o'
const REDIRECT_URI = 'https://rp.example/cb'
const SECRET = 'cache-conformance-secret-0123456789abcdef'

const basic = (id: string, secret: string) => `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`
const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/**
 * A cache location that KV has not yet told about deletions: what it read or wrote stays visible
 * to it, whatever happens to the shared cache (KV's edge copies live 60 s or more).
 */
export function staleLocation(cache: ReadCache): ReadCache {
  const seen = new Map<string, string>()
  return {
    async get<T>(key: string) {
      const local = seen.get(key)
      if (local !== undefined) return JSON.parse(local) as T
      const value = await cache.get<T>(key)
      if (value !== null) seen.set(key, JSON.stringify(value))
      return value
    },
    async put(key, value, ttl) {
      seen.set(key, JSON.stringify(value))
      await cache.put(key, value, ttl)
    },
    delete: (key) => cache.delete(key),
  }
}

export interface Credentials {
  id: string
  secret: string
}

/**
 * Two instances of one server (`here` and `elsewhere`, e.g. two Workers locations) over one
 * Storage and one cache, the second seeing the cache as a stale location would.
 */
export async function twoLocations(storage: Storage, cache: ReadCache, maxStaleSeconds?: number) {
  const clock = createFakeClock()
  const users = testAccounts([{ sub: 'user-1', username: 'alice', password: 'correct horse' }], clock.now)
  const options = maxStaleSeconds === undefined ? {} : { accessTokens: { maxStaleSeconds } }
  const at = (view: ReadCache): Provider =>
    createProvider({
      issuer: ISSUER,
      storage: cachedStorage(storage, view, options),
      accounts: users.accounts,
      secrets: [SECRET],
      now: clock.now,
    })
  const here = at(cache)
  const elsewhere = at(staleLocation(cache))

  const register = async (input: Parameters<Provider['clients']['create']>[0]): Promise<Credentials> => {
    const { client, client_secret } = await here.clients.create(input)
    return { id: client.client_id, secret: client_secret ?? '' }
  }
  const app = await register({ client_name: 'App', redirect_uris: [REDIRECT_URI], skip_authorization: true })
  const resourceServer = await register({ client_name: 'API', grant_types: ['client_credentials'], introspection: true })
  const cookie = users.signIn('user-1')

  const post = (provider: Provider, path: string, client: Credentials, body: Record<string, string>) =>
    provider.handle(
      new Request(`${ISSUER}/${path}/`, {
        method: 'POST',
        headers: { authorization: basic(client.id, client.secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      }),
    )

  return {
    clock,
    here,
    elsewhere,
    app,
    resourceServer,
    /** Authorization code with S256 PKCE (RFC 7636 §4) for alice; answers the token response. */
    async codeFlow(): Promise<{ access_token: string; refresh_token: string }> {
      const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)))
      const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
      const url = new URL(`${ISSUER}/authorize/`)
      for (const [name, value] of Object.entries({
        response_type: 'code',
        client_id: app.id,
        redirect_uri: REDIRECT_URI,
        state: 's',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })) {
        url.searchParams.set(name, value)
      }
      const redirect = await here.handle(new Request(url, { headers: { cookie } }))
      const code = new URL(redirect.headers.get('location') ?? '', ISSUER).searchParams.get('code')
      if (!code) throw new Error(`no code: ${redirect.status} ${redirect.headers.get('location')}`)
      const response = await post(here, 'token', app, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      })
      if (response.status !== 200) throw new Error(`token endpoint: ${response.status} ${await response.text()}`)
      return (await response.json()) as { access_token: string; refresh_token: string }
    },
    /** RFC 7662 §2.1, as the resource server. */
    async active(provider: Provider, token: string): Promise<boolean> {
      const response = await post(provider, 'introspect', resourceServer, { token })
      return ((await response.json()) as { active: boolean }).active
    },
    /** RFC 7009 §2.1, as the token's client. */
    async revoke(provider: Provider, token: string, hint?: string): Promise<number> {
      return (await post(provider, 'revoke_token', app, { token, ...(hint ? { token_type_hint: hint } : {}) })).status
    },
    /** RFC 6750 §2.1: whether a protected resource at `provider` would accept the token. */
    async bearerAccepted(provider: Provider, token: string): Promise<boolean> {
      const verified = await provider.verifyAccessToken(
        new Request('https://api.example/', { headers: { authorization: `Bearer ${token}` } }),
      )
      return !(verified instanceof Response)
    },
  }
}
