import { memoryStorage } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { get, REGISTER, registerApp } from '../manage/helpers.js'
import { form, ISSUER, type Setup, setup } from '../support/provider.js'
import { as, introspect, type Registered, register, via } from './support.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const server: oauth.AuthorizationServer = { ...as, device_authorization_endpoint: `${ISSUER}/device-authorization/` }
const DEVICE_PAGE = `${ISSUER}/device/`

const deviceSetup = (overrides: Parameters<typeof setup>[0] = {}) =>
  setup({ grantTypes: ['authorization_code', 'refresh_token', DEVICE_GRANT], ...overrides })

const registerDevice = (s: Setup, input: Parameters<typeof register>[1] = {}) =>
  register(s, { client_type: 'public', grant_types: [DEVICE_GRANT, 'refresh_token'], redirect_uris: [], ...input })

async function start(s: Setup, reg: Registered, params: Record<string, string> = {}) {
  const response = await oauth.deviceAuthorizationRequest(server, reg.client, reg.auth, params, via(s))
  return oauth.processDeviceAuthorizationResponse(server, reg.client, response)
}

const poll = (s: Setup, reg: Registered, deviceCode: string) =>
  oauth
    .deviceCodeGrantRequest(server, reg.client, reg.auth, deviceCode, via(s))
    .then((response) => oauth.processDeviceCodeResponse(server, reg.client, response))

const field = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? ''

/** The user's browser: opens the page, enters the code, and answers the confirmation. */
async function enterCode(s: Setup, cookie: string, typed: string): Promise<Response> {
  const entry = await s.fetch(DEVICE_PAGE, { headers: { cookie } })
  const csrf = field(await entry.text(), 'csrf')
  return s.fetch(DEVICE_PAGE, { ...form({ csrf, user_code: typed }), headers: { ...form({}).headers, cookie } })
}

async function decide(s: Setup, cookie: string, typed: string, decision: 'approve' | 'deny' = 'approve'): Promise<Response> {
  const confirm = await enterCode(s, cookie, typed)
  expect(confirm.status).toBe(200)
  const page = await confirm.text()
  const body = { csrf: field(page, 'csrf'), user_code: field(page, 'user_code'), decision }
  return s.fetch(DEVICE_PAGE, { ...form(body), headers: { ...form({}).headers, cookie } })
}

describe('device authorization grant (RFC 8628, oauth4webapi)', () => {
  it('RFC 8628 §3.1-§3.5: a public client gets a code, the user approves on the page, the device gets tokens once', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg, { scope: 'read' })
    expect(device.device_code.startsWith('gl_dc_')).toBe(true)
    expect(device.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/)
    expect(device.verification_uri).toBe(DEVICE_PAGE)
    expect(device.verification_uri_complete).toBe(`${DEVICE_PAGE}?user_code=${device.user_code}`)
    expect(device).toMatchObject({ expires_in: 600, interval: 5 })
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'authorization_pending' })
    const cookie = s.users.signIn('user-1')
    const done = await decide(s, cookie, device.user_code)
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('Device connected')
    s.clock.advance(5)
    const tokens = await poll(s, reg, device.device_code)
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' })
    expect(tokens.refresh_token).toBeDefined()
    s.clock.advance(5)
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'invalid_grant' })
    const consents = await s.storage.listConsents('user-1')
    expect(consents.map((consent) => consent.client_id)).toEqual([reg.client.client_id])
    // Revoking the consent (the authorized-tokens page) ends the grant.
    await s.storage.revokeConsent(consents[0]!.id, s.clock.now() / 1000)
    const confidential = await register(s, { grant_types: ['client_credentials'], introspection: true })
    expect((await introspect(s, confidential, tokens.access_token)).active).toBe(false)
  })

  it('RFC 8628 §3.3.1: verification_uri_complete prefills the code; the user still confirms it', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    const anonymous = await s.fetch(device.verification_uri_complete!)
    expect(anonymous.status).toBe(302)
    expect(decodeURIComponent(anonymous.headers.get('location') ?? '')).toContain(`/o/device/?user_code=${device.user_code}`)
    const page = await s.fetch(device.verification_uri_complete!, { headers: { cookie: s.users.signIn('user-1') } })
    const text = await page.text()
    expect(field(text, 'user_code')).toBe(device.user_code)
    expect(text).not.toContain('name="decision"')
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })

  it('RFC 8628 §6.1: the user code is typed forgivingly (case, spaces, dashes)', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    for (const spell of [(code: string) => code.toLowerCase().replace('-', ' '), (code: string) => code.replace('-', '')]) {
      const device = await start(s, reg)
      const confirm = await enterCode(s, s.users.signIn('user-1'), spell(device.user_code))
      expect(confirm.status).toBe(200)
      expect(field(await confirm.text(), 'user_code')).toBe(device.user_code)
    }
    const wrong = await enterCode(s, s.users.signIn('user-1'), 'BCDF-GHJK')
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('not valid')
  })

  it('RFC 8628 §3.5: polling faster than the interval answers slow_down and raises the interval by 5 s', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'authorization_pending' })
    s.clock.advance(2)
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'slow_down' })
    // The interval is now 10 s: 6 s later is still too soon.
    s.clock.advance(6)
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'slow_down' })
    s.clock.advance(15)
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'authorization_pending' })
  })

  it('RFC 8628 §3.5: a denied request answers access_denied', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    const done = await decide(s, s.users.signIn('user-1'), device.user_code, 'deny')
    expect(await done.text()).toContain('Request denied')
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'access_denied' })
  })

  it('RFC 8628 §3.5: past expires_in the code answers expired_token, and the page no longer finds it', async () => {
    const s = deviceSetup({ ttl: { deviceCode: 120 } })
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    expect(device.expires_in).toBe(120)
    s.clock.advance(120)
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'expired_token' })
    expect((await enterCode(s, s.users.signIn('user-1'), device.user_code)).status).toBe(400)
  })

  it('RFC 8628 §3.4: a device code of another client is invalid_grant and leaves the code usable', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const other = await registerDevice(s)
    const device = await start(s, reg)
    await decide(s, s.users.signIn('user-1'), device.user_code)
    await expect(poll(s, other, device.device_code)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect((await poll(s, reg, device.device_code)).access_token).toBeDefined()
  })

  it('RFC 8628 §3.3: a code is decided once; a second approval of the same code is refused', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    const cookie = s.users.signIn('user-1')
    const confirm = await (await enterCode(s, cookie, device.user_code)).text()
    const body = { csrf: field(confirm, 'csrf'), user_code: field(confirm, 'user_code'), decision: 'approve' }
    const post = () => s.fetch(DEVICE_PAGE, { ...form(body), headers: { ...form({}).headers, cookie } })
    expect((await post()).status).toBe(200)
    expect((await post()).status).toBe(400)
  })

  it('RFC 8628 §3.1: the scope (defaults included) is fixed at the request, never re-resolved when polling', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    await decide(s, s.users.signIn('user-1'), device.user_code)
    // Changing the client's allowed scopes after the request changes nothing the device receives.
    await s.provider.clients.update(reg.client.client_id, { scope: 'read' })
    expect((await poll(s, reg, device.device_code)).scope).toBe('read write')
  })

  it('RFC 8628 §3.2: a client not registered for the grant is unauthorized_client; an unknown scope invalid_scope', async () => {
    const s = deviceSetup()
    const plain = await register(s, { client_type: 'public' })
    await expect(start(s, plain)).rejects.toMatchObject({ error: 'unauthorized_client' })
    const reg = await registerDevice(s)
    await expect(start(s, reg, { scope: 'admin' })).rejects.toMatchObject({ error: 'invalid_scope' })
  })

  it('RFC 8628 §4: discovery names the endpoint and the grant only when the grant is on', async () => {
    const on = await (await deviceSetup().fetch(`${ISSUER.replace('/o', '')}/.well-known/oauth-authorization-server/o`)).json()
    expect(on.device_authorization_endpoint).toBe(`${ISSUER}/device-authorization/`)
    expect(on.grant_types_supported).toContain(DEVICE_GRANT)
    const s = setup()
    const off = await (await s.fetch(`${ISSUER.replace('/o', '')}/.well-known/oauth-authorization-server/o`)).json()
    expect(off.device_authorization_endpoint).toBeUndefined()
    expect((await s.fetch(`${ISSUER}/device-authorization/`, form({ client_id: 'x' }))).status).toBe(404)
  })

  it('RFC 8628 §3.1: the application form offers the grant when the server enables it, and the client can use it', async () => {
    const s = deviceSetup()
    const alice = s.users.signIn('user-1')
    expect(await (await get(s, REGISTER, alice)).text()).toContain(`name="grant_type:${DEVICE_GRANT}"`)
    const { clientId } = await registerApp(s, alice, {
      client_type: 'public',
      'grant_type:refresh_token': '',
      [`grant_type:${DEVICE_GRANT}`]: 'on',
    })
    expect((await s.storage.getClient(clientId))?.grant_types).toContain(DEVICE_GRANT)
    const device = await start(s, { client: { client_id: clientId }, auth: oauth.None(), secret: undefined })
    expect(device.user_code).toHaveLength(9)
  })

  it('RFC 8628 §5.1: code entry is rate-limited per session', async () => {
    const s = deviceSetup()
    const cookie = s.users.signIn('user-1')
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) statuses.push((await enterCode(s, cookie, 'BCDF-GHJK')).status)
    expect(statuses.slice(0, 10).every((status) => status === 400)).toBe(true)
    expect(statuses[10]).toBe(429)
  })

  it('RFC 8628 §5.1: code entry is rate-limited per client address, across sessions', async () => {
    const s = deviceSetup({ clientAddress: () => '203.0.113.7' })
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await enterCode(s, s.users.signIn('user-1'), 'BCDF-GHJK')).status)
    expect(statuses.filter((status) => status === 429)).toEqual([429])
    expect(statuses[30]).toBe(429)
  })

  it('RFC 6749 §10.12: a decision without the CSRF value of this session and code is refused', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    const alice = s.users.signIn('user-1')
    const confirm = await (await enterCode(s, alice, device.user_code)).text()
    const bob = s.users.signIn('user-2')
    const body = { csrf: field(confirm, 'csrf'), user_code: device.user_code, decision: 'approve' }
    const replayed = await s.fetch(DEVICE_PAGE, { ...form(body), headers: { ...form({}).headers, cookie: bob } })
    expect(replayed.status).toBe(400)
    await expect(poll(s, reg, device.device_code)).rejects.toMatchObject({ error: 'authorization_pending' })
  })

  it('RFC 8628: createProvider refuses the device grant on a Storage without device authorizations', () => {
    const storage = { ...memoryStorage(), pollDeviceAuthorization: undefined }
    expect(() => setup({ grantTypes: [DEVICE_GRANT] }, storage)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }))
  })

  it('RFC 8628 §3.5: 20 parallel polls after approval yield exactly one token response', async () => {
    const s = deviceSetup()
    const reg = await registerDevice(s)
    const device = await start(s, reg)
    await decide(s, s.users.signIn('user-1'), device.user_code)
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => poll(s, reg, device.device_code)))
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1)
  })
})
