import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test'
import { d1Driver, WORKERD_PBKDF2_ITERATIONS } from '@grantline/cloudflare'
import { createProvider, localUsers } from '@grantline/core'
import { sqlAccountStore, sqlStorage } from '@grantline/sql'
import { describe, expect, it } from 'vitest'
import exampleWorker from '../../adapters/cloudflare/dist/example-worker.js'
import { clearDatabase } from './support.js'
import { form, KEY_ENCRYPTION_KEY, REDIRECT_URI, SECRET } from './worker-support.js'

const ISSUER = 'https://auth.example.com/o'
const exampleEnv = { ...env, ISSUER, SECRET, KEY_ENCRYPTION_KEY }

/** A browser on the example Worker: keeps cookies, follows nothing. */
function browser() {
  const cookies = new Map<string, string>()
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers)
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const ctx = createExecutionContext()
    const response = await exampleWorker.fetch(new Request(url, { ...init, headers }), exampleEnv, ctx)
    await waitOnExecutionContext(ctx)
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
}

const field = (html: string, name: string) => new RegExp(`name="${name}"[^>]*?value="([^"]*)"`).exec(html)?.[1] ?? ''

describe('the example Worker (adapters/cloudflare/src/example-worker.ts)', () => {
  it('signs a local user in (users in D1, 100,000 iterations) and answers the authorization request with a code', async () => {
    await clearDatabase()
    const ctx = createExecutionContext()
    await exampleWorker.scheduled(createScheduledController({ cron: '*/30 * * * *' }), exampleEnv, ctx)
    await waitOnExecutionContext(ctx)
    await localUsers(sqlAccountStore(d1Driver(env.DB)), { iterations: WORKERD_PBKDF2_ITERATIONS }).create({
      username: 'alice',
      password: 'correct horse',
    })
    const admin = createProvider({
      issuer: ISSUER,
      storage: sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' }),
      accounts: { current: async () => null } as never,
      secrets: [SECRET],
    })
    const { client } = await admin.clients.create({ client_name: 'App', redirect_uris: [REDIRECT_URI], skip_authorization: true })

    const go = browser()
    const authorize = `${ISSUER}/authorize/?${new URLSearchParams({ client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid', state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`
    const toLogin = await go(authorize)
    expect(toLogin.status).toBe(302)
    const loginUrl = new URL(toLogin.headers.get('location') ?? '', ISSUER).href
    const page = await go(loginUrl)
    const html = await page.text()
    const loggedIn = await go(
      loginUrl,
      form({
        csrf: field(html, 'csrf'),
        next: new URL(loginUrl).searchParams.get('next') ?? '',
        username: 'alice',
        password: 'correct horse',
      }),
    )
    expect(loggedIn.status).toBe(303)
    const redirect = await go(new URL(loggedIn.headers.get('location') ?? '', ISSUER).href)
    const location = new URL(redirect.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(location.searchParams.get('code')).toMatch(/^gl_ac_/)
    expect(location.searchParams.get('iss')).toBe(ISSUER)
    const stored = await env.DB.prepare('SELECT password_hash FROM users').first<{ password_hash: string }>()
    expect(stored?.password_hash).toMatch(/^pbkdf2_sha256\$100000\$/)
  })

  it('the plain form works too: export default { fetch: provider.handle }', async () => {
    const provider = createProvider({
      issuer: ISSUER,
      storage: sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' }),
      accounts: { current: async () => null } as never,
      secrets: [SECRET],
    })
    const worker = { fetch: provider.handle }
    const response = await worker.fetch(new Request(`https://auth.example.com/.well-known/oauth-authorization-server/o`))
    expect(((await response.json()) as { issuer: string }).issuer).toBe(ISSUER)
  })
})
