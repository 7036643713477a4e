import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ISSUER, SECRET, setup } from '../support/provider.js'
import { APPS, app, appForm, csrfFor, get, post, REGISTER, registerApp, TOKENS } from './helpers.js'

/** HMAC(secret, purpose and session id, each prefixed by its length), computed independently of the helper. */
const manageValue = (secret: string, sessionId: string) =>
  createHmac('sha256', secret).update(`6:manage${sessionId.length}:${sessionId}`).digest('base64url')

describe('CSRF: every form carries HMAC(secrets[0], purpose "manage" + session id)', () => {
  it('the hidden field is bound to the session', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const sessionId = alice.split('=')[1]
    expect(await csrfFor(s, alice)).toBe(manageValue(SECRET, sessionId as string))
  })

  it('a missing, tampered or other-session value is a 403 page and changes nothing', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, alice)
    const before = await s.storage.getClient(clientId)
    const good = await csrfFor(s, alice)
    const otherSession = await csrfFor(s, s.users.signIn('user-1'))
    const bad: Record<string, string>[] = [
      {},
      { csrf: `${good.slice(0, -2)}AA` },
      { csrf: otherSession },
      { csrf: manageValue('another-secret-0123456789-abcdefghij', alice.split('=')[1] as string) },
    ]
    for (const csrf of bad) {
      for (const [path, values] of [
        [REGISTER, appForm({ client_name: 'Forged' })],
        [app(clientId, 'update'), appForm({ client_name: 'Forged' })],
        [app(clientId, 'delete'), {}],
        [`${TOKENS}any/delete/`, {}],
      ] as const) {
        const response = await post(s, path, alice, { ...values, ...csrf })
        expect(response.status, `${path} ${JSON.stringify(csrf)}`).toBe(403)
        expect(response.headers.get('content-type')).toMatch(/^text\/html/)
        expect(await response.text()).toContain('The form has expired or was not sent from this site.')
      }
    }
    expect(await s.storage.getClient(clientId)).toEqual(before)
    expect(await s.provider.clients.list()).toHaveLength(1)
  })

  it('a value made with an older secret still verifies after rotation by prepending', async () => {
    const s = setup({ secrets: ['a-newer-secret-0123456789-abcdefghijk', SECRET] })
    const alice = s.users.signIn('user-1')
    const old = manageValue(SECRET, alice.split('=')[1] as string)
    expect(await csrfFor(s, alice)).not.toBe(old)
    const response = await post(s, REGISTER, alice, { ...appForm(), csrf: old })
    expect(response.status).toBe(201)
  })
})

describe('signed out, the host app answers its login response', () => {
  for (const path of [APPS, '/o/applications', REGISTER, app('some-client'), app('some-client', 'update'), TOKENS, `${TOKENS}x/delete/`]) {
    it(`GET ${path}`, async () => {
      const s = setup()
      const response = await get(s, path)
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`)
    })
  }

  it('a POST creates nothing', async () => {
    const s = setup()
    const response = await post(s, REGISTER, undefined, appForm())
    expect(response.status).toBe(302)
    expect(await s.provider.clients.list()).toEqual([])
  })

  it('an ended session is signed out', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    s.users.signOut(alice)
    expect((await get(s, APPS, alice)).status).toBe(302)
  })
})

describe('pages', () => {
  it('RFC 6749 §10.13 and docs/security.md "Pages": CSP, no framing, no caching', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId, response: created } = await registerApp(s, alice)
    const pages = [
      created,
      await get(s, APPS, alice),
      await get(s, REGISTER, alice),
      await get(s, app(clientId), alice),
      await get(s, TOKENS, alice),
      await get(s, app('missing'), alice),
    ]
    for (const response of pages) {
      expect(response.headers.get('content-type')).toBe('text/html;charset=utf-8')
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("default-src 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toContain("form-action 'self'")
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/)
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('cache-control')).toBe('no-store')
    }
  })

  it('the shared header links to both sections and to sign out', async () => {
    const s = setup()
    const html = await (await get(s, TOKENS, s.users.signIn('user-1'))).text()
    expect(html).toContain('<nav aria-label="Account">')
    expect(html).toContain(`href="${APPS}"`)
    expect(html).toContain(`<a href="${TOKENS}" aria-current="page">Authorized tokens</a>`)
    expect(html).toContain('href="/accounts/logout/"')
  })

  it('an unknown page is 404 and another method is 405 with Allow', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    expect((await get(s, '/o/applications/a/b/c/', alice)).status).toBe(404)
    expect((await get(s, '/o/applications/%E0%A4%A/', alice)).status).toBe(404)
    expect((await get(s, `${TOKENS}x/`, alice)).status).toBe(404)
    const put = await s.provider.handle(new Request(`https://as.example${APPS}`, { method: 'PUT', headers: { cookie: alice } }))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET')
    const del = await s.provider.handle(new Request(`https://as.example${REGISTER}`, { method: 'DELETE', headers: { cookie: alice } }))
    expect(del.headers.get('allow')).toBe('GET, POST')
  })

  it('a body that is not a form is a 400 page, not a 500', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const response = await s.provider.handle(
      new Request(`https://as.example${REGISTER}`, {
        method: 'POST',
        headers: { cookie: alice, 'content-type': 'application/json' },
        body: '{}',
      }),
    )
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
  })
})

describe('provider.owns and the managementPages option', () => {
  const owns = (s: ReturnType<typeof setup>, path: string) => s.provider.owns(new Request(new URL(path, ISSUER)))

  it('owns the management paths under basePath, and only those', () => {
    const s = setup()
    for (const path of [
      APPS,
      '/o/applications',
      REGISTER,
      '/o/applications/x/update/',
      TOKENS,
      '/o/authorized_tokens',
      '/o/authorized_tokens/x/delete',
    ]) {
      expect(owns(s, path), path).toBe(true)
    }
    for (const path of ['/o/applicationsx', '/applications/', '/o/authorized_tokensx/', '/o/other/applications/']) {
      expect(owns(s, path), path).toBe(false)
    }
  })

  it('follows basePath', async () => {
    const s = setup({ basePath: '/auth' })
    expect(owns(s, '/auth/applications/')).toBe(true)
    expect(owns(s, '/o/applications/')).toBe(false)
    const html = await (await get(s, '/auth/applications/', s.users.signIn('user-1'))).text()
    expect(html).toContain('href="/auth/applications/register/"')
  })

  it('managementPages: false turns them off', async () => {
    const s = setup({ managementPages: false })
    expect(owns(s, APPS)).toBe(false)
    expect(owns(s, `${ISSUER}/token/`)).toBe(true)
    expect((await get(s, APPS, s.users.signIn('user-1'))).status).toBe(404)
  })

  it('managementPages must be a boolean', () => {
    expect(() => setup({ managementPages: 'yes' as unknown as boolean })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }))
  })
})

describe('escaping', () => {
  it('an application name is text everywhere', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId, html } = await registerApp(s, alice, { client_name: '<script>alert(1)</script>' })
    for (const page of [html, await (await get(s, APPS, alice)).text(), await (await get(s, app(clientId, 'delete'), alice)).text()]) {
      expect(page).not.toContain('<script>')
      expect(page).toContain('&#60;script&#62;')
    }
  })
})
