import { createHash, randomBytes } from 'node:crypto'
import type { Page, Response } from 'playwright-core'
import { afterAll, describe, expect, test } from 'vitest'
import { basic, cleanUp, launchChromium, postForm, screenshot, startCallback, startGrantline } from './support.js'

/**
 * The authorization code flow as a person walks it, in headless Chromium against a real
 * `grantline serve`: sign in, register an application, approve it, revoke it. Chrome applies
 * `form-action` to the redirect that follows a form POST, so landing on the callback after
 * "Authorize" proves the consent page's CSP names the redirect_uri's origin (docs/security.md
 * "Pages").
 */

const TIMEOUT = 120_000
const USER = 'alice'
const PASSWORD = 'correct horse battery staple'
const APP = 'Photo Printer'

/** Every console message in which Chromium reports a CSP violation, with the page it came from. */
const violations: string[] = []

afterAll(cleanUp, 30_000)

/** docs/security.md "Pages": the headers every Grantline page sends. */
function expectPageHeaders(response: Response | null, formAction: string[] = []): void {
  expect(response, 'no response').not.toBeNull()
  const headers = (response as Response).headers()
  const csp = headers['content-security-policy']
  expect(csp, `no CSP header on ${(response as Response).url()}`).toBeDefined()
  expect(csp).toContain("default-src 'none'")
  expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/)
  expect(csp).toContain("frame-ancestors 'none'")
  expect(csp).toContain("base-uri 'none'")
  expect(csp).toContain(["form-action 'self'", ...formAction].join(' '))
  expect(headers['cache-control']).toBe('no-store')
}

/** The next navigation of `page` after `action`, e.g. a click that submits a form. */
async function submit(page: Page, action: () => Promise<void>): Promise<Response | null> {
  const [response] = await Promise.all([page.waitForNavigation(), action()])
  return response
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

describe('browser: the code flow in Chromium against `grantline serve`', () => {
  test(
    'sign in, register, authorize (303 past form-action), redeem, revoke in the UI',
    async () => {
      const browser = await launchChromium()
      const server = await startGrantline(USER, PASSWORD)
      const callback = await startCallback()
      const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, colorScheme: 'light' })
      const page = await context.newPage()
      page.on('console', (message) => {
        const text = message.text()
        if (/Content Security Policy|Refused/i.test(text)) violations.push(`${page.url()}: ${text}`)
      })
      const { origin, issuer } = server

      // Sign in (Django's LoginView), sent on to the management pages by `next`.
      const login = await page.goto(`${origin}/accounts/login/?next=/o/applications/`)
      expectPageHeaders(login)
      await expect.poll(() => page.title()).toBe('Sign in')
      await screenshot(page, 'login.png')
      await page.getByLabel('Username').fill(USER)
      await page.getByLabel('Password').fill(PASSWORD)
      await submit(page, () => page.getByRole('button', { name: 'Sign in' }).click())
      expect(new URL(page.url()).pathname).toBe('/o/applications/')
      await expect.poll(() => page.locator('h1').textContent()).toBe('Applications')

      // Register a confidential application; the secret is on the answer to the POST, once.
      const form = await page.goto(`${origin}/o/applications/register/`)
      expectPageHeaders(form)
      await page.getByLabel('Name', { exact: true }).fill(APP)
      await page.locator('input[name=client_type][value=confidential]').check()
      expect(await page.locator('input[name="grant_type:authorization_code"]').isChecked()).toBe(true)
      await page.locator('#redirect_uris').fill(callback.uri)
      const registered = await submit(page, () => page.getByRole('button', { name: 'Register' }).click())
      expect(registered?.status()).toBe(201)
      expectPageHeaders(registered)
      await expect.poll(() => page.locator('h1').textContent()).toBe(APP)
      const clientId = (await page.locator('dl.fields dt:text-is("Client ID") + dd code').textContent()) ?? ''
      const secret = await page.locator('#client_secret').inputValue()
      expect(clientId).not.toBe('')
      expect(secret).toMatch(/^gl_cs_[A-Za-z0-9_-]{43}$/)
      await screenshot(page, 'applications.png')
      const detail = await page.goto(`${origin}/o/applications/${encodeURIComponent(clientId)}/`)
      expect(detail?.status()).toBe(200)
      expect(await page.content()).not.toContain(secret)

      // Authorize: the consent page shows the client and the scopes' descriptions.
      const { verifier, challenge } = pkce()
      const state = randomBytes(16).toString('base64url')
      const authorize = new URL(`${issuer}/authorize/`)
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: callback.uri,
        scope: 'read write',
        state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString()
      const consent = await page.goto(authorize.href)
      expectPageHeaders(consent, [callback.origin])
      await expect.poll(() => page.locator('h1').textContent()).toBe(`Authorize ${APP}?`)
      for (const text of ['Reading scope', 'Writing scope']) expect(await page.getByText(text).isVisible(), text).toBe(true)
      await screenshot(page, 'consent.png')
      await page.getByRole('button', { name: 'Authorize' }).click()
      await page.waitForURL((url) => url.origin === callback.origin, { timeout: 15_000 })
      expect(await page.locator('body').textContent()).toBe('ok')
      expect(callback.received).toHaveLength(1)
      const answer = callback.received[0] as URLSearchParams
      expect(answer.get('state')).toBe(state)
      expect(answer.get('iss')).toBe(issuer)
      const code = answer.get('code') ?? ''
      expect(code).toMatch(/^gl_ac_/)

      // Redeem the code as the confidential client and check the token at introspection.
      const auth = basic(clientId, secret)
      const token = await postForm(`${issuer}/token/`, auth, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback.uri,
        code_verifier: verifier,
      })
      expect(token.status, JSON.stringify(token.json)).toBe(200)
      expect(token.json).toMatchObject({ token_type: 'Bearer', scope: 'read write' })
      const accessToken = token.json.access_token as string
      expect(accessToken).toMatch(/^gl_at_/)
      const live = await postForm(`${issuer}/introspect/`, auth, { token: accessToken })
      expect(live.status).toBe(200)
      expect(live.json).toMatchObject({ active: true, client_id: clientId, scope: 'read write' })

      // Revoke the grant on the authorized-tokens page: it ends the token at once.
      const tokensPage = await page.goto(`${origin}/o/authorized_tokens/`)
      expectPageHeaders(tokensPage)
      expect(await page.locator('tbody tr').count()).toBe(1)
      expect(await page.locator('tbody tr td').first().textContent()).toBe(APP)
      await screenshot(page, 'authorized-tokens.png')
      const confirm = await submit(page, () => page.getByRole('link', { name: `Revoke access of ${APP}` }).click())
      expectPageHeaders(confirm)
      await expect.poll(() => page.locator('h1').textContent()).toBe(`Revoke access of ${APP}?`)
      await submit(page, () => page.getByRole('button', { name: 'Revoke' }).click())
      expect(new URL(page.url()).pathname).toBe('/o/authorized_tokens/')
      expect(await page.getByText('You have not authorized any application.').isVisible()).toBe(true)
      const revoked = await postForm(`${issuer}/introspect/`, auth, { token: accessToken })
      expect(revoked.status).toBe(200)
      expect(revoked.json).toStrictEqual({ active: false })

      await context.close()
    },
    TIMEOUT,
  )

  test('Chromium reported no Content-Security-Policy violation on any page', () => {
    expect(violations).toStrictEqual([])
  })
})
