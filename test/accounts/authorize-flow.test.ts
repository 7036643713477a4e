import { createProvider, localAccounts, memoryAccountStore, memoryStorage } from '@grantline/core'
import { createFakeClock } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { CookieJar, field, SECRET, TEST_ITERATIONS } from './support.js'

const ISSUER = 'https://as.example/o'
const REDIRECT_URI = 'https://app.example/cb'

async function setupProvider() {
  const clock = createFakeClock()
  const errors: unknown[] = []
  const accounts = localAccounts(memoryAccountStore(), { secrets: [SECRET], iterations: TEST_ITERATIONS, now: clock.now })
  await accounts.users.create({ username: 'alice', password: 'correct horse' })
  const provider = createProvider({
    issuer: ISSUER,
    storage: memoryStorage(),
    accounts,
    secrets: [SECRET],
    now: clock.now,
    onError: (error) => errors.push(error),
  })
  const { client } = await provider.clients.create({ client_name: 'Example App', client_type: 'public', redirect_uris: [REDIRECT_URI] })
  const jar = new CookieJar()
  /** A browser: resolves relative Locations against the issuer's origin, keeps cookies. */
  async function browse(url: string, form?: Record<string, string>) {
    const headers = new Headers()
    if (jar.cookies.size > 0) headers.set('cookie', jar.header())
    if (form) headers.set('content-type', 'application/x-www-form-urlencoded')
    const init = form ? { method: 'POST', headers, body: new URLSearchParams(form).toString() } : { headers }
    const response = await provider.handle(new Request(new URL(url, ISSUER), init))
    jar.store(response)
    return response
  }
  return { clock, accounts, provider, client, jar, browse, errors }
}

function authorizationUrl(clientId: string): string {
  const url = new URL(`${ISSUER}/authorize/`)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    state: 'xyz',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString()
  return url.href
}

describe('signing in during an authorization request', () => {
  it('sends a signed-out user to the login page and, after login, back to the consent page', async () => {
    const s = await setupProvider()
    const authorize = await s.browse(authorizationUrl(s.client.client_id))
    expect(authorize.status).toBe(302)
    const login = authorize.headers.get('location') ?? ''
    expect(login).toMatch(/^\/accounts\/login\/\?next=/)
    const next = new URL(login, ISSUER).searchParams.get('next') ?? ''
    expect(next).toMatch(/^\/o\/authorize\/\?/)
    expect(new URL(next, ISSUER).searchParams.get('state')).toBe('xyz')

    expect(s.provider.owns(new Request(new URL(login, ISSUER)))).toBe(true)
    const form = await s.browse(login)
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(field(html, 'next')).toBe(next)

    const signedIn = await s.browse('/accounts/login/', {
      csrf: field(html, 'csrf') ?? '',
      next,
      username: 'alice',
      password: 'correct horse',
    })
    expect(signedIn.status).toBe(303)
    expect(signedIn.headers.get('location')).toBe(next)

    const consent = await s.browse(next)
    expect(consent.status).toBe(200)
    const page = await consent.text()
    expect(page).toContain('Authorize <span>Example App</span>?')

    const decision = await s.browse(`${ISSUER}/authorize/`, {
      interaction: field(page, 'interaction') ?? '',
      csrf: field(page, 'csrf') ?? '',
      allow: 'Authorize',
    })
    expect(decision.status).toBe(303)
    const callback = new URL(decision.headers.get('location') ?? '')
    expect(callback.origin + callback.pathname).toBe(REDIRECT_URI)
    expect(callback.searchParams.get('code')).toMatch(/^gl_ac_/)
    expect(callback.searchParams.get('state')).toBe('xyz')
  })

  it('asks again for login after logout', async () => {
    const s = await setupProvider()
    const login = (await s.browse(authorizationUrl(s.client.client_id))).headers.get('location') ?? ''
    const html = await (await s.browse(login)).text()
    await s.browse('/accounts/login/', { csrf: field(html, 'csrf') ?? '', username: 'alice', password: 'correct horse' })
    expect((await s.browse(authorizationUrl(s.client.client_id))).status).toBe(200)
    const logout = await (await s.browse('/accounts/logout/')).text()
    expect((await s.browse('/accounts/logout/', { csrf: field(logout, 'csrf') ?? '' })).status).toBe(303)
    expect((await s.browse(authorizationUrl(s.client.client_id))).status).toBe(302)
  })

  it('routes only the account pages to accounts.pages; other unknown paths stay 404', async () => {
    const s = await setupProvider()
    expect(s.provider.owns(new Request('https://as.example/accounts/logout/'))).toBe(true)
    expect(s.provider.owns(new Request('https://as.example/accounts/profile/'))).toBe(false)
    expect((await s.browse('/accounts/profile/')).status).toBe(404)
  })

  it('turns an unexpected failure of the pages into a generic page and reports it to onError', async () => {
    const clock = createFakeClock()
    const store = memoryAccountStore()
    store.findUserByUsername = async () => {
      throw new Error('database down: secret detail')
    }
    const errors: unknown[] = []
    const accounts = localAccounts(store, { secrets: [SECRET], iterations: TEST_ITERATIONS, now: clock.now })
    const provider = createProvider({
      issuer: ISSUER,
      storage: memoryStorage(),
      accounts,
      secrets: [SECRET],
      now: clock.now,
      onError: (e) => errors.push(e),
    })
    const jar = new CookieJar()
    const get = await provider.handle(new Request('https://as.example/accounts/login/'))
    jar.store(get)
    const csrf = field(await get.text(), 'csrf') ?? ''
    const response = await provider.handle(
      new Request('https://as.example/accounts/login/', {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, username: 'alice', password: 'pw' }).toString(),
      }),
    )
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('secret detail')
    expect(errors).toHaveLength(1)
  })
})
