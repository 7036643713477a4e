import { localAccounts, memoryAccountStore, type ProviderConfig } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { field } from '../accounts/support.js'
import { createClient } from '../security/support.js'
import { basic, ISSUER, SECRET, type Setup, setup } from '../support/provider.js'
import { recorder } from './support.js'

/**
 * The client address comes from what each runtime already hands `provider.handle(request,
 * ...rest)`, so that the one-line quick starts are rate-limited (RFC 6749 §10.10, RFC 6585 §4).
 */

const ORIGIN = new URL(ISSUER).origin
const POLICY = { maxFailures: 3, windowSeconds: 60 }

/** A provider with the small policy and no `clientAddress` in its config; warnings recorded. */
function setupRuntime(overrides: Partial<ProviderConfig> = {}) {
  const warnings: string[] = []
  const rec = recorder()
  const s = setup({ rateLimit: POLICY, onEvent: rec.onEvent, onWarning: (message) => warnings.push(message), ...overrides })
  return { ...s, warnings, rec }
}

/** A failed (or, with the right secret, a successful) client_credentials request, with `rest` for handle. */
function clientAuth(s: Setup, c: { client_id: string }, secret: string, rest: unknown[], headers: Record<string, string> = {}) {
  const request = new Request(`${ISSUER}/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.client_id, secret), ...headers },
    body: 'grant_type=client_credentials',
  })
  return s.provider.handle(request, ...rest)
}

const machine = (s: Setup) => createClient(s, { grant_types: ['client_credentials'] })

/** Deno.serve(provider.handle) calls `handle(request, info)`. */
const deno = (hostname: string) => [{ remoteAddr: { transport: 'tcp', hostname, port: 40000 }, completed: Promise.resolve() }]
/** Bun.serve({ fetch: provider.handle }) calls `handle(request, server)`; requestIP is a method of the server. */
const bun = (address: string) => [
  {
    peer: address,
    requestIP(this: { peer: string }, _request: Request) {
      return { address: this.peer, family: 'IPv4', port: 40000 }
    },
  },
]
/** @grantline/node's serve() and toNodeListener() call `handle(request, { clientAddress })`. */
const node = (clientAddress: string) => [{ clientAddress }]

describe("RFC 6749 §10.10 / RFC 6585 §4: the client address is learned from each runtime's arguments", () => {
  it.each([
    ['Deno', deno],
    ['Bun', bun],
    ['Node', node],
  ])('RFC 6585 §4: %s: failures are counted per address, so one address is limited and another is not', async (_name, shape) => {
    const s = setupRuntime()
    const c = await machine(s)
    for (let i = 0; i < 3; i++) expect((await clientAuth(s, c, 'gl_cs_wrong', shape('203.0.113.5'))).status).toBe(401)
    const limited = await clientAuth(s, c, c.client_secret, shape('203.0.113.5'))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
    expect((await clientAuth(s, c, c.client_secret, shape('198.51.100.7'))).status).toBe(200)
    expect(s.rec.of('client_authentication.failed')[0]?.address).toBe('203.0.113.5')
    expect(s.warnings).toEqual([])
  })

  it('RFC 6749 §10.10: CF-Connecting-IP is not trusted outside Workers, even beside a ctx with waitUntil: anyone could send it', async () => {
    const s = setupRuntime()
    const c = await machine(s)
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {} }
    for (let i = 0; i < 3; i++) await clientAuth(s, c, 'gl_cs_wrong', [{}, ctx], { 'cf-connecting-ip': `203.0.113.${i}` })
    // Changing the header did not make a new address: the three failures were counted per client_id.
    expect((await clientAuth(s, c, c.client_secret, [{}, ctx], { 'cf-connecting-ip': '198.51.100.7' })).status).toBe(429)
    expect(s.rec.of('client_authentication.failed').every((event) => event.address === undefined)).toBe(true)
  })

  it("RFC 6749 §10.10: config.clientAddress replaces the runtime's address (behind a proxy the runtime sees only the proxy)", async () => {
    const s = setupRuntime({ clientAddress: (request) => request.headers.get('x-real-ip') ?? undefined })
    const c = await machine(s)
    for (let i = 0; i < 3; i++) await clientAuth(s, c, 'gl_cs_wrong', deno(`10.0.0.${i}`), { 'x-real-ip': '203.0.113.5' })
    expect((await clientAuth(s, c, c.client_secret, deno('10.0.0.9'), { 'x-real-ip': '203.0.113.5' })).status).toBe(429)
    expect((await clientAuth(s, c, c.client_secret, deno('10.0.0.1'), { 'x-real-ip': '198.51.100.7' })).status).toBe(200)
  })

  it('RFC 6749 §10.10: without an address the limit falls back to per client_id, and onWarning says so once', async () => {
    const s = setupRuntime()
    const c = await machine(s)
    const other = await machine(s)
    for (let i = 0; i < 3; i++) expect((await clientAuth(s, c, 'gl_cs_wrong', [])).status).toBe(401)
    expect((await clientAuth(s, c, c.client_secret, [])).status).toBe(429)
    expect((await clientAuth(s, other, other.client_secret, [])).status).toBe(200)
    expect(s.warnings).toHaveLength(1)
    expect(s.warnings[0]).toMatch(/without a client address.*per client_id/)
  })

  it('a clientAddress hook that throws is reported to onError; the request goes on without an address', async () => {
    const errors: unknown[] = []
    const s = setupRuntime({
      clientAddress: () => {
        throw new Error('header parser broke')
      },
      onError: (error) => errors.push(error),
    })
    const c = await machine(s)
    expect((await clientAuth(s, c, c.client_secret, deno('203.0.113.5'))).status).toBe(200)
    expect(errors).toEqual([expect.objectContaining({ message: 'header parser broke' })])
  })
})

describe('RFC 6585 §4: the login form counts failures per learned address (password spraying)', () => {
  async function setupLogin() {
    const store = memoryAccountStore()
    const accounts = localAccounts(store, { secrets: [SECRET], iterations: 1000, maxFailuresPerAddress: 4 })
    await accounts.users.create({ username: 'alice', password: 'correct horse' })
    const s = setupRuntime({ accounts })
    const logIn = async (username: string, password: string, rest: unknown[]) => {
      const page = await s.provider.handle(new Request(`${ORIGIN}/accounts/login/`), ...rest)
      const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? ''
      const body = new URLSearchParams({ csrf: field(await page.text(), 'csrf') ?? '', username, password })
      const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded' }
      return s.provider.handle(new Request(`${ORIGIN}/accounts/login/`, { method: 'POST', headers, body }), ...rest)
    }
    return { ...s, logIn }
  }

  it('RFC 6585 §4: failed logins across many usernames from one address lock that address out, right password included; others still sign in', async () => {
    const s = await setupLogin()
    for (const username of ['ann', 'ben', 'cat', 'dan'])
      expect((await s.logIn(username, 'Summer2026!', deno('203.0.113.5'))).status).toBe(200)
    const locked = await s.logIn('alice', 'correct horse', deno('203.0.113.5'))
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('900')
    expect(await locked.text()).toContain('Too many failed sign-in attempts')
    expect((await s.logIn('alice', 'correct horse', deno('198.51.100.7'))).status).toBe(303)
    const failed = s.rec.of('login.failed')
    expect(failed.map((event) => event.address)).toEqual(Array(5).fill('203.0.113.5'))
    expect(failed.at(-1)?.reason).toBe('locked_out')
  })
})

describe('RFC 6749 §4.3: the password grant counts failures per address only for a public client', () => {
  async function setupPassword() {
    const accounts = localAccounts(memoryAccountStore(), { secrets: [SECRET], iterations: 1000, maxFailuresPerAddress: 2 })
    await accounts.users.create({ username: 'alice', password: 'correct horse' })
    const s = setupRuntime({ accounts, grantTypes: ['authorization_code', 'refresh_token', 'password'] })
    const grant = (c: { client_id: string; client_secret: string }, username: string, password: string, address: string) => {
      const body = new URLSearchParams({ grant_type: 'password', username, password })
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
      if (c.client_secret) headers.authorization = basic(c.client_id, c.client_secret)
      else body.set('client_id', c.client_id)
      return s.provider.handle(new Request(`${ISSUER}/token/`, { method: 'POST', headers, body }), ...deno(address))
    }
    return { ...s, grant }
  }

  it("RFC 6749 §4.3: a public client runs on the user's device: spraying from its address locks that address out", async () => {
    const s = await setupPassword()
    const app = await createClient(s, { client_type: 'public', grant_types: ['password'], redirect_uris: [] })
    for (const username of ['ann', 'ben']) expect((await s.grant(app, username, 'guess', '203.0.113.5')).status).toBe(400)
    expect((await s.grant(app, 'alice', 'correct horse', '203.0.113.5')).status).toBe(400)
    expect((await s.grant(app, 'alice', 'correct horse', '198.51.100.7')).status).toBe(200)
    expect(s.rec.of('login.failed').map((event) => event.address)).toEqual(Array(3).fill('203.0.113.5'))
  })

  it("RFC 6749 §4.3: a confidential client's address is its server, shared by its users: one user's failures do not lock the others out", async () => {
    const s = await setupPassword()
    const backend = await createClient(s, { grant_types: ['password'], redirect_uris: [] })
    for (const username of ['ann', 'ben', 'cat']) expect((await s.grant(backend, username, 'typo', '192.0.2.10')).status).toBe(400)
    expect((await s.grant(backend, 'alice', 'correct horse', '192.0.2.10')).status).toBe(200)
  })
})
