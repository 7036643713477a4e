import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { authorizationServer, CookieJar, codeFlow, HTTP, hiddenField, login, oauthClient } from './http-client.js'
import {
  BACKENDS,
  cliJson,
  createUser,
  createWorkspace,
  REDIRECT_URI,
  runCli,
  type ServerProcess,
  startServer,
  stopAllServers,
  type Workspace,
} from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const ALICE = { username: 'alice', password: 'correct horse battery staple' }

/** What an MCP host or native app registers (RFC 7591 §2), here on the tests' https redirect. */
const METADATA = {
  client_name: 'Example MCP host',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'none',
}

const post = (server: ServerProcess, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.issuer}/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

/** RFC 7591 registration through a real `grantline serve` process, over HTTP. */
describe.each(BACKENDS)('grantline serve --registration open on %s', (backend) => {
  let ws: Workspace
  let server: ServerProcess

  beforeAll(async () => {
    ws = await createWorkspace(backend)
    await createUser(ws, ALICE.username, ALICE.password)
    server = await startServer(ws, { args: ['--registration', 'open'] })
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 7591 §3, RFC 8414 §2: oauth4webapi discovers registration_endpoint, registers, and the client completes the code flow with PKCE', async () => {
    const metadata = (await (await fetch(`${server.origin}/.well-known/oauth-authorization-server/o`)).json()) as Record<string, unknown>
    expect(metadata.registration_endpoint).toBe(`${server.issuer}/register/`)
    const as = { ...authorizationServer(server), registration_endpoint: String(metadata.registration_endpoint) }
    const info = await oauth.processDynamicClientRegistrationResponse(await oauth.dynamicClientRegistrationRequest(as, METADATA, HTTP))
    expect(info).toMatchObject({
      token_endpoint_auth_method: 'none',
      registration_client_uri: `${server.issuer}/register/${info.client_id}`,
    })
    const { tokens } = await codeFlow(oauthClient(server, { client_id: info.client_id, client_secret: null }), server, ALICE, 'read')
    expect(tokens.access_token).toMatch(/^gl_at_/)
    // The operator sees it as a dynamic client.
    const listed = await cliJson<{ client_id: string; dynamic: boolean; registration_token_hash?: string }[]>(ws, ['clients', 'list'])
    expect(listed.find((c) => c.client_id === info.client_id)).toMatchObject({ dynamic: true })
    expect(JSON.stringify(listed)).not.toContain('registration_token_hash')
  })

  it('RFC 7591 §5: the consent page of the registered client says it is unverified and names its redirect host', async () => {
    const info = (await (await post(server, { ...METADATA, client_name: 'Totally Official' })).json()) as { client_id: string }
    const jar = new CookieJar()
    expect((await login(server, jar, ALICE.username, ALICE.password)).status).toBe(303)
    const url = new URL(`${server.issuer}/authorize/`)
    url.search = new URLSearchParams({
      client_id: info.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }).toString()
    const page = await (await jar.fetch(url)).text()
    expect(hiddenField(page, 'interaction')).not.toBe('')
    expect(page).toContain('Unverified application.')
    expect(page).toContain('<code>app.example</code>')
  })

  it('RFC 7591 §3.2.2: a javascript: or userinfo redirect URI is 400 invalid_redirect_uri, bad JSON 400 invalid_client_metadata, never a 500', async () => {
    for (const [body, error] of [
      [{ ...METADATA, redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
      [{ ...METADATA, redirect_uris: ['https://user@app.example/cb'] }, 'invalid_redirect_uri'],
      [{ ...METADATA, grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
      ['{"redirect_uris": [', 'invalid_client_metadata'],
    ] as const) {
      const response = await post(server, body)
      expect(response.status).toBe(400)
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(((await response.json()) as { error: string }).error).toBe(error)
    }
    expect(server.stderr()).not.toContain('unexpected error')
  })
})

describe('grantline registration-tokens and the token policy', () => {
  let ws: Workspace

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 7591 §3: registration-tokens create prints a single-use initial access token; the server refuses registration without it', async () => {
    const created = await cliJson<{ initial_access_token: string; expires_at: number }>(ws, [
      'registration-tokens',
      'create',
      '--expires',
      '1h',
    ])
    expect(created.initial_access_token).toMatch(/^gl_ia_[A-Za-z0-9_-]{43}$/)
    expect(created.expires_at - Date.now() / 1000).toBeGreaterThan(3500)
    expect(created.expires_at - Date.now() / 1000).toBeLessThanOrEqual(3600)
    const server = await startServer(ws, { config: { registration: { policy: 'token' } } })
    const bearer = { authorization: `Bearer ${created.initial_access_token}` }
    const without = await post(server, METADATA)
    expect(without.status).toBe(401)
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer realm=/)
    expect((await post(server, METADATA, bearer)).status).toBe(201)
    expect((await post(server, METADATA, bearer)).status).toBe(401)
  })

  it('RFC 6585 §4: past registration.rateLimit.max from one address the server answers 429 with Retry-After', async () => {
    // A database of its own: the counters of the requests above (same address, same hour) live in the other.
    const fresh = await createWorkspace('sqlite')
    try {
      const server = await startServer(fresh, { config: { registration: { policy: 'open', rateLimit: { max: 2 } } } })
      expect((await post(server, METADATA)).status).toBe(201)
      expect((await post(server, METADATA)).status).toBe(201)
      const limited = await post(server, METADATA)
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      await server.stop()
    } finally {
      await fresh.dispose()
    }
  })

  it('a bad --registration or --expires value is a usage error (status 2)', async () => {
    const serve = await runCli(['serve', '--port', '0', '--registration', 'closed', '--data', ws.data, '--db', ws.db])
    expect(serve.status).toBe(2)
    expect(serve.stderr).toBe('grantline: --registration must be open or token\n')
    const token = await runCli(['registration-tokens', 'create', '--expires', 'soon', '--data', ws.data, '--db', ws.db])
    expect(token.status).toBe(2)
    expect(token.stderr).toMatch(/^grantline: --expires must be a duration/)
  })
})
