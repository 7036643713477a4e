import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { type CookieJar, field } from '../../accounts/support.js'
import { begin, location, redeem, register } from '../../e2e/support.js'
import { authorizeAs } from '../../support/provider.js'
import { type OidcSetup, ORIGIN, setupOidc, signIn } from '../userinfo/support.js'

/** A browser GET or form POST on the provider, keeping the jar's cookies. */
async function browse(s: OidcSetup, jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const headers = new Headers({ cookie: jar.header() })
  if (form) headers.set('content-type', 'application/x-www-form-urlencoded')
  const response = await s.provider.handle(
    new Request(new URL(url, ORIGIN), { method: form ? 'POST' : 'GET', headers, ...(form ? { body: new URLSearchParams(form) } : {}) }),
  )
  jar.store(response)
  return response
}

const decodeEntities = (value: string) => value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

/** Where the page's "Continue as" link leads. */
function continueHref(html: string): string | undefined {
  const match = /<a class="button primary" href="([^"]+)">Continue as /.exec(html)
  return match ? decodeEntities(match[1] as string) : undefined
}

/** Alice has approved the client once; then it asks again with prompt=select_account. */
async function selectAccountRequest(s: OidcSetup) {
  const reg = await register(s, { skip_authorization: true })
  const jar = await signIn(s)
  const started = await begin(reg.client, { scope: 'openid profile', prompt: 'select_account' }, s.as)
  const login = location(await browse(s, jar, started.url.href), ORIGIN)
  return { reg, jar, started, login }
}

const subOf = (tokens: oauth.TokenEndpointResponse) => oauth.getValidatedIdTokenClaims(tokens)?.sub

describe('OIDC Core §3.1.2.1 prompt=select_account on the built-in login page', () => {
  it('OIDC Core §3.1.2.1: the login page names the signed-in user, with a link to continue as them and a form to sign in as someone else, without JavaScript', async () => {
    const s = await setupOidc()
    const { jar, login } = await selectAccountRequest(s)
    expect(login.pathname).toBe('/accounts/login/')
    expect(login.searchParams.get('prompt')).toBe('select_account')
    const page = await browse(s, jar, login.href)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Signed in as <strong>alice</strong>')
    expect(continueHref(html)).toBe(login.searchParams.get('next'))
    expect(html).toContain('Sign in as someone else')
    expect(field(html, 'next')).toBe(login.searchParams.get('next'))
    expect(html).not.toMatch(/<script/i)
  })

  it('OIDC Core §3.1.2.1: continuing as the signed-in user returns to the request once and issues the code, without asking again', async () => {
    const s = await setupOidc()
    const { reg, jar, started, login } = await selectAccountRequest(s)
    const html = await (await browse(s, jar, login.href)).text()
    s.clock.advance(10)
    const redirect = location(await authorizeAs(s, jar.header(), new URL(continueHref(html) ?? '', ORIGIN)))
    expect(redirect.searchParams.get('code')).toBeTruthy()
    const tokens = await redeem(s, reg, started, redirect, s.as)
    expect(subOf(tokens)).toBe(s.alice.sub)
  })

  it('OIDC Core §3.1.2.1: signing in as someone else on that page answers the request as the new user', async () => {
    const s = await setupOidc()
    const bob = await s.accounts.users.create({ username: 'bob', password: 'battery staple' })
    const { reg, jar, started, login } = await selectAccountRequest(s)
    const html = await (await browse(s, jar, login.href)).text()
    const posted = await browse(s, jar, '/accounts/login/', {
      csrf: field(html, 'csrf') ?? '',
      next: field(html, 'next') ?? '',
      username: 'bob',
      password: 'battery staple',
    })
    expect(posted.status).toBe(303)
    const back = posted.headers.get('location') ?? ''
    expect(back).toBe(login.searchParams.get('next'))
    const redirect = location(await authorizeAs(s, jar.header(), new URL(back, ORIGIN)))
    expect(redirect.searchParams.get('code')).toBeTruthy()
    const tokens = await redeem(s, reg, started, redirect, s.as)
    expect(subOf(tokens)).toBe(bob.sub)
  })

  it('OIDC Core §3.1.2.1: without a session the page is the plain sign-in form', async () => {
    const s = await setupOidc()
    const { login } = await selectAccountRequest(s)
    const response = await s.provider.handle(new Request(new URL(login.href, ORIGIN)))
    const html = await response.text()
    expect(html).toContain('<h1>Sign in</h1>')
    expect(html).not.toContain('Signed in as')
  })
})
