import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, HTTP, hiddenField, location, login, oauthClient } from './http-client.js'
import { cliJson, createUser, createWorkspace, type ServerProcess, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const ALICE = { username: 'alice', password: 'correct horse battery staple' }

/** RFC 8628 through a real `grantline serve` process: a client made by the CLI, a user signing in. */
describe('grantline serve with the device authorization grant', () => {
  let ws: Workspace
  let server: ServerProcess

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    await createUser(ws, ALICE.username, ALICE.password)
    server = await startServer(ws, { config: { grantTypes: ['authorization_code', 'refresh_token', DEVICE_GRANT] } })
  })
  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 8628 §3.1-§3.5: `clients create --grant-type` the device grant; the user approves on the page; the device gets tokens once', async () => {
    const created = await cliJson<{ client_id: string; client_secret: string | null }>(ws, [
      ...['clients', 'create', '--name', 'TV', '--type', 'public', '--grant-type', DEVICE_GRANT, '--grant-type', 'refresh_token'],
    ])
    // `device_code` is the CLI's short name for the grant's URN.
    const short = await cliJson<{ client_id: string }>(ws, [
      'clients',
      'create',
      '--name',
      'Radio',
      '--type',
      'public',
      '--grant-type',
      'device_code',
    ])
    expect((await cliJson<{ grant_types: string[] }>(ws, ['clients', 'show', short.client_id])).grant_types).toEqual([DEVICE_GRANT])
    const c = oauthClient(server, created)
    const as = { ...c.as, device_authorization_endpoint: `${server.issuer}/device-authorization/` }
    const metadata = await (await fetch(`${server.origin}/.well-known/oauth-authorization-server/o`)).json()
    expect(metadata.device_authorization_endpoint).toBe(as.device_authorization_endpoint)
    const started = await oauth.processDeviceAuthorizationResponse(
      as,
      c.client,
      await oauth.deviceAuthorizationRequest(as, c.client, c.auth, { scope: 'read' }, HTTP),
    )

    const jar = new CookieJar()
    const first = await jar.fetch(started.verification_uri_complete as string)
    expect(first.status).toBe(302)
    const next = location(first, started.verification_uri).searchParams.get('next') as string
    const signedIn = await login(server, jar, ALICE.username, ALICE.password, next)
    const entry = await jar.fetch(new URL(location(signedIn, server.origin)))
    const entryPage = await entry.text()
    expect(entry.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const confirm = await jar.post(`${server.issuer}/device/`, { csrf: hiddenField(entryPage, 'csrf'), user_code: started.user_code })
    const confirmPage = await confirm.text()
    expect(confirmPage).toContain('TV')
    const done = await jar.post(`${server.issuer}/device/`, {
      csrf: hiddenField(confirmPage, 'csrf'),
      user_code: hiddenField(confirmPage, 'user_code'),
      decision: 'approve',
    })
    expect(done.status).toBe(200)

    const poll = () => oauth.deviceCodeGrantRequest(as, c.client, c.auth, started.device_code, HTTP)
    const tokens = await oauth.processDeviceCodeResponse(as, c.client, await poll())
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' })
    expect(tokens.refresh_token).toBeDefined()
    expect(await (await poll()).json()).toMatchObject({ error: 'invalid_grant' })
  })
})
