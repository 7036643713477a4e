import { setTimeout as sleep } from 'node:timers/promises'
import { decodeProtectedHeader } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CookieJar, clientCredentials, codeFlow, hiddenField, introspect, login, oauthClient, refresh, revoke } from './http-client.js'
import {
  BACKENDS,
  type Backend,
  cliJson,
  createClient,
  createUser,
  createWorkspace,
  startServer,
  stopAllServers,
  type Workspace,
} from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const ALICE = { username: 'alice', password: 'correct horse battery staple' }
const OIDC = { oidc: {} }

const workspaces: Workspace[] = []
async function workspace(backend: Backend): Promise<Workspace> {
  const ws = await createWorkspace(backend)
  workspaces.push(ws)
  return ws
}

afterEach(async () => {
  await stopAllServers()
  await Promise.all(workspaces.splice(0).map((ws) => ws.dispose()))
})

describe.each(BACKENDS)('what survives a restart of grantline serve on %s', (backend) => {
  it('a restart on the same --db and --data keeps clients, users, sessions, secrets, signing keys and live tokens', async () => {
    const ws = await workspace(backend)
    await createUser(ws, ALICE.username, ALICE.password)
    const web = await createClient(ws, 'Web app', ['authorization_code', 'refresh_token'])
    const first = await startServer(ws, { config: OIDC })
    const { tokens, jar } = await codeFlow(oauthClient(first, web), first, ALICE, 'openid read write')
    // A login form served before the restart: its CSRF value is signed with the secrets of data/.
    const early = new CookieJar()
    const form = await early.fetch(`${first.origin}/accounts/login/`)
    const csrf = hiddenField(await form.text(), 'csrf')
    expect(await first.stop()).toBe(0)

    const second = await startServer(ws, { port: first.port, config: OIDC })
    const c = oauthClient(second, web)
    expect(await introspect(c, tokens.access_token)).toMatchObject({ active: true, username: 'alice' })
    const next = await refresh(c, tokens.refresh_token as string)
    expect(await introspect(c, next.access_token)).toMatchObject({ active: true })
    // The stored signing key still decrypts with the data folder's keyEncryptionKey: same kid.
    expect(decodeProtectedHeader(next.id_token as string).kid).toBe(decodeProtectedHeader(tokens.id_token as string).kid)
    // The session is server-side: the browser is still signed in (the management page answers, no login redirect).
    expect((await new CookieJar().fetch(`${second.origin}/o/applications/`)).status).toBe(302)
    expect((await jar.fetch(`${second.origin}/o/applications/`)).status).toBe(200)
    const posted = await early.post(`${second.origin}/accounts/login/`, { ...ALICE, csrf, next: '/o/applications/' })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe('/o/applications/')
    const listed = await cliJson<{ client_id: string }[]>(ws, ['clients', 'list'])
    expect(listed.map((client) => client.client_id)).toEqual([web.client_id])
  })

  it('DOT cleartokens: `tokens clear` removes only expired and revoked rows; live tokens stay active', async () => {
    const ws = await workspace(backend)
    const machine = await createClient(ws, 'Batch job', ['client_credentials'])
    const server = await startServer(ws)
    const shortLived = await startServer(ws, { config: { ttl: { accessToken: 1 } } })
    const c = oauthClient(server, machine)
    const live = await clientCredentials(c)
    const revoked = await clientCredentials(c)
    await revoke(c, revoked.access_token)
    const expiring = await clientCredentials(oauthClient(shortLived, machine))
    expect(expiring.expires_in).toBe(1)
    // The one real wait of these tests: a token that expires on the wall clock of another process.
    await sleep(2000)
    expect(await introspect(c, expiring.access_token)).toStrictEqual({ active: false })

    // The expired token with its grant (a client_credentials grant ends with its token), and the revoked token.
    expect(await cliJson(ws, ['tokens', 'clear'])).toStrictEqual({ removed: 3, login_failures: 0 })
    expect(await introspect(c, live.access_token)).toMatchObject({ active: true, client_id: machine.client_id })
    expect(await cliJson(ws, ['tokens', 'clear'])).toStrictEqual({ removed: 0, login_failures: 0 })
  })

  it('a new, empty database gets the demo user and client once; a restart prints no banner and adds nothing', async () => {
    const ws = await workspace(backend)
    const first = await startServer(ws, { demo: true })
    const banner = first.stdout()
    expect(banner).toContain('A new database: created a demo user and a demo client.')
    const password = /user: +demo \/ (\S+)/.exec(banner)?.[1]
    expect(password).toBeDefined()
    expect(banner).toMatch(/client_secret: +gl_cs_[A-Za-z0-9_-]{43}/)
    // The printed credentials work.
    expect((await login(first, new CookieJar(), 'demo', password as string)).status).toBe(303)
    expect(await first.stop()).toBe(0)

    const second = await startServer(ws, { demo: true, port: first.port })
    expect(second.stdout()).not.toContain('demo')
    const clients = await cliJson<{ client_name: string }[]>(ws, ['clients', 'list'])
    expect(clients.map((client) => client.client_name)).toEqual(['Demo app'])
    const users = await cliJson<{ username: string }[]>(ws, ['users', 'list'])
    expect(users.map((user) => user.username)).toEqual(['demo'])
  })
})
