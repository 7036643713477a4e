import { describe, expect, it } from 'vitest'
import { ISSUER, setup } from '../support/provider.js'
import { app, csrfFor, get, post, registerApp } from './helpers.js'

/** Whether `secret` authenticates the client (RFC 7009 §2.1: revocation answers 200 to an authenticated client). */
async function authenticates(s: ReturnType<typeof setup>, clientId: string, secret: string): Promise<boolean> {
  const response = await s.fetch(`${ISSUER}/revoke_token/`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${clientId}:${secret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'token=unknown',
  })
  if (response.status !== 200) expect(response.status).toBe(401)
  return response.status === 200
}

const secretOf = (html: string) => /id="client_secret"[^>]* value="([^"]+)"/.exec(html)?.[1]

describe('management pages: rotating an application secret', () => {
  it('RFC 6749 §2.3.1: the owner rotates with a 1-day overlap: the new secret is shown once, the old one works until its shown expiry', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId, secret: old } = await registerApp(s, alice)
    const detail = await (await get(s, app(clientId), alice)).text()
    expect(detail).toContain(`action="${app(clientId, 'rotate-secret')}"`)
    expect(detail).toMatch(/<form method="post" action="[^"]+rotate-secret\/" class="rotate"><input type="hidden" name="csrf"/)
    const response = await post(s, app(clientId, 'rotate-secret'), alice, { grace: '86400', csrf: await csrfFor(s, alice) })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toContain('no-store')
    const html = await response.text()
    const fresh = secretOf(html)
    expect(fresh).toMatch(/^gl_cs_/)
    expect(fresh).not.toBe(old)
    const until = new Date((Math.floor(s.clock.now() / 1000) + 86_400) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    expect(html).toContain(`The old secret keeps working until <time datetime="${until}">`)
    expect(html).toContain('<dt>Old secret</dt>')
    expect(await authenticates(s, clientId, fresh as string)).toBe(true)
    expect(await authenticates(s, clientId, old as string)).toBe(true)
    // Shown once: the detail page never shows a secret again.
    expect(secretOf(await (await get(s, app(clientId), alice)).text())).toBeUndefined()
    s.clock.advance(86_400)
    expect(await authenticates(s, clientId, old as string)).toBe(false)
    expect(await authenticates(s, clientId, fresh as string)).toBe(true)
    expect(await (await get(s, app(clientId), alice)).text()).not.toContain('<dt>Old secret</dt>')
  })

  it('RFC 6749 §2.3.1: "No" ends the old secret at once', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId, secret: old } = await registerApp(s, alice)
    const html = await (await post(s, app(clientId, 'rotate-secret'), alice, { grace: '0', csrf: await csrfFor(s, alice) })).text()
    expect(html).toContain('The old secret has stopped working.')
    expect(await authenticates(s, clientId, old as string)).toBe(false)
    expect(await authenticates(s, clientId, secretOf(html) as string)).toBe(true)
  })

  it('refuses a POST without the CSRF value, a grace the form does not offer, another user’s application and a public client', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const bob = s.users.signIn('user-2')
    const { clientId, secret } = await registerApp(s, alice)
    const before = await s.storage.getClient(clientId)
    expect((await post(s, app(clientId, 'rotate-secret'), alice, { grace: '0' })).status).toBe(403)
    expect((await post(s, app(clientId, 'rotate-secret'), alice, { grace: '31536000', csrf: await csrfFor(s, alice) })).status).toBe(400)
    expect((await post(s, app(clientId, 'rotate-secret'), bob, { grace: '0', csrf: await csrfFor(s, bob) })).status).toBe(404)
    expect(await s.storage.getClient(clientId)).toEqual(before)
    expect(await authenticates(s, clientId, secret as string)).toBe(true)
    const spa = await registerApp(s, alice, { client_type: 'public' })
    expect(await (await get(s, app(spa.clientId), alice)).text()).not.toContain('rotate-secret')
    expect((await post(s, app(spa.clientId, 'rotate-secret'), alice, { grace: '0', csrf: await csrfFor(s, alice) })).status).toBe(400)
  })
})
