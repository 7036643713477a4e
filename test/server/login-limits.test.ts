import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createUser, createWorkspace, type ServerProcess, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 })

const ALICE = { username: 'alice', password: 'correct horse battery staple' }
/** The login form's defaults: failures per address before a lockout, and its length. */
const MAX_FAILURES_PER_ADDRESS = 20
const LOCKOUT_SECONDS = 900

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/**
 * One request on a connection of its own from `localAddress` (a loopback address other than
 * 127.0.0.1 is another client address to the server: Linux routes all of 127/8 to lo).
 */
function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: false, localAddress: init.localAddress ?? '127.0.0.1' },
      (incoming) => {
        let body = ''
        incoming.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk
        })
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }))
        incoming.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(init.body)
  })
}

/** A browser's login form: its pre-session cookie and the CSRF value bound to it. */
async function loginForm(server: ServerProcess, localAddress?: string): Promise<{ cookie: string; csrf: string }> {
  const page = await send(`${server.origin}/accounts/login/`, localAddress ? { localAddress } : {})
  expect(page.status).toBe(200)
  const setCookie = page.headers['set-cookie'] ?? []
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie]).map((line) => line.split(';')[0]).join('; ')
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  return { cookie, csrf }
}

function postLogin(
  server: ServerProcess,
  form: { cookie: string; csrf: string },
  credentials: { username: string; password: string },
  localAddress?: string,
) {
  return send(`${server.origin}/accounts/login/`, {
    method: 'POST',
    headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: form.csrf, ...credentials }).toString(),
    ...(localAddress ? { localAddress } : {}),
  })
}

/**
 * The login form of a real `grantline serve` (600,000 PBKDF2 iterations, the CLI's own wiring of
 * the client address) under password spraying and a flood of concurrent logins.
 */
describe('grantline serve: failed logins are limited per client address, and password checks in flight are bounded', () => {
  let ws: Workspace
  let server: ServerProcess

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    await createUser(ws, ALICE.username, ALICE.password)
    server = await startServer(ws)
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 6585 §4: concurrent failed logins past the bound are answered 429 with Retry-After, and discovery and the JWKS are answered meanwhile', async () => {
    const form = await loginForm(server, '127.0.0.3')
    const logins = Array.from({ length: 48 }, (_, i) =>
      postLogin(server, form, { username: `flood-${i}`, password: 'not the password' }, '127.0.0.3'),
    )
    // Asked while the logins are in flight: answered, not queued behind 48 password checks.
    const [discovery, jwks] = await Promise.all([
      send(`${server.issuer}/.well-known/openid-configuration`),
      send(`${server.issuer}/.well-known/jwks.json`),
    ])
    expect(discovery.status).toBe(200)
    expect(JSON.parse(discovery.body)).toMatchObject({ issuer: server.issuer })
    expect(jwks.status).toBe(200)
    expect((JSON.parse(jwks.body) as { keys: unknown[] }).keys.length).toBeGreaterThanOrEqual(1)
    const answers = await Promise.all(logins)
    const busy = answers.filter((answer) => answer.status === 429)
    expect(busy.length).toBeGreaterThanOrEqual(1)
    for (const answer of busy) {
      expect(answer.headers['retry-after']).toBe('1')
      expect(answer.body).toContain('The server is busy checking other sign-ins')
    }
    // The others were checked and refused as a wrong password.
    for (const answer of answers.filter((a) => a.status !== 429)) expect(answer.status).toBe(200)
  })

  it('RFC 6585 §4: password spraying: failed logins for many usernames from one address lock that address out, even with the right password, and no other', async () => {
    const form = await loginForm(server, '127.0.0.4')
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      const answer = await postLogin(server, form, { username: `spray-${i}`, password: 'Winter2026!' }, '127.0.0.4')
      expect(answer.status, `attempt ${i}`).toBe(200)
    }
    const locked = await postLogin(server, form, ALICE, '127.0.0.4')
    expect(locked.status).toBe(429)
    expect(locked.headers['retry-after']).toBe(String(LOCKOUT_SECONDS))
    expect(locked.body).toContain('Too many failed sign-in attempts')
    expect([locked.headers['set-cookie'] ?? []].flat().some((line) => line.startsWith('gl_session='))).toBe(false)
    // Another address is another client: alice signs in from there.
    const elsewhere = await loginForm(server, '127.0.0.5')
    const signedIn = await postLogin(server, elsewhere, ALICE, '127.0.0.5')
    expect(signedIn.status).toBe(303)
    expect([signedIn.headers['set-cookie'] ?? []].flat().some((line) => line.startsWith('gl_session='))).toBe(true)
  })
})
