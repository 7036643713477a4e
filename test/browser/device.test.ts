import type { Response } from 'playwright-core'
import { afterAll, describe, expect, test } from 'vitest'
import { cleanUp, launchChromium, startGrantline } from './support.js'

/**
 * The device verification page (RFC 8628 §3.3) as a person walks it in headless Chromium against
 * a real `grantline serve`: open verification_uri_complete, sign in, confirm the code, approve.
 * No CSP violation may be reported on the way (docs/security.md "Pages").
 */

const TIMEOUT = 120_000
const USER = 'alice'
const PASSWORD = 'correct horse battery staple'
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

afterAll(cleanUp, 30_000)

const postForm = (url: string, body: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) })

describe('browser: the device verification page in Chromium against `grantline serve`', () => {
  test(
    'RFC 8628 §3.3: sign in from verification_uri_complete, confirm the prefilled code, approve; the device gets tokens',
    async () => {
      const violations: string[] = []
      const browser = await launchChromium()
      const server = await startGrantline(USER, PASSWORD, { config: { grantTypes: ['authorization_code', 'refresh_token', DEVICE_GRANT] } })
      const created = JSON.parse(
        await server.cli(['clients', 'create', '--name', 'Living room TV', '--type', 'public', '--grant-type', DEVICE_GRANT, '--json']),
      ) as { client_id: string }
      const started = await postForm(`${server.issuer}/device-authorization/`, { client_id: created.client_id, scope: 'read' })
      const device = (await started.json()) as { device_code: string; user_code: string; verification_uri_complete: string }

      const page = await (await browser.newContext()).newPage()
      page.on('console', (message) => {
        if (/Content Security Policy|Refused/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`)
      })
      const submit = async (action: () => Promise<void>): Promise<Response | null> => {
        const [response] = await Promise.all([page.waitForNavigation(), action()])
        return response
      }
      await page.goto(device.verification_uri_complete)
      expect(new URL(page.url()).pathname).toBe('/accounts/login/')
      await page.getByLabel('Username').fill(USER)
      await page.getByLabel('Password').fill(PASSWORD)
      await submit(() => page.getByRole('button', { name: 'Sign in' }).click())
      expect(new URL(page.url()).pathname).toBe('/o/device/')
      expect(await page.getByLabel('Code').inputValue()).toBe(device.user_code)
      const confirm = await submit(() => page.getByRole('button', { name: 'Continue' }).click())
      expect(confirm?.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
      await expect.poll(() => page.locator('h1').textContent()).toBe('Connect Living room TV?')
      expect(await page.locator('main').textContent()).toContain(device.user_code)
      await submit(() => page.getByRole('button', { name: 'Approve' }).click())
      await expect.poll(() => page.locator('h1').textContent()).toBe('Device connected')

      const token = await postForm(`${server.issuer}/token/`, {
        grant_type: DEVICE_GRANT,
        device_code: device.device_code,
        client_id: created.client_id,
      })
      expect(token.status).toBe(200)
      expect(await token.json()).toMatchObject({ token_type: 'Bearer', scope: 'read' })
      expect(violations).toEqual([])
    },
    TIMEOUT,
  )
})
