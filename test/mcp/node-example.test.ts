import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type RunningExample, start } from '../../examples/mcp-node/start.mjs'
import { Browser } from './browser.js'
import { connectMcp, HeadlessHost, recording, whoami } from './headless-host.js'

// examples/mcp-node: `grantline serve` and the MCP server, each a real process on loopback; the MCP
// server checks tokens by RFC 7662 introspection. Driven by the MCP SDK's own client.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/** A loopback redirect, as desktop hosts register (never visited: the browser stops there). */
const REDIRECT_URI = 'http://127.0.0.1:33418/callback'

let example: RunningExample
beforeAll(async () => {
  example = await start({ port: 0, mcpPort: 0 })
})
afterAll(() => example?.stop())

const newHost = (browser = new Browser(example.user)) => new HeadlessHost({ issuer: example.issuer, redirectUri: REDIRECT_URI, browser })

const register = (metadata: Record<string, unknown>) =>
  fetch(`${example.issuer}/register/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) })

describe('examples/mcp-node: grantline serve and an MCP server in separate processes', () => {
  it('MCP Authorization 2025-11-25 §Authorization Flow Steps: 401 with resource_metadata (RFC 9728 §5.1), protected resource metadata, RFC 8414 metadata, registration (RFC 7591 §3), login, consent, code with S256 and resource (RFC 8707 §2), a tool call as the user', async () => {
    const browser = new Browser(example.user)
    const host = newHost(browser)
    const sdk = recording()
    const client = await connectMcp(example.mcpUrl, host, sdk.fetch)
    expect(sdk.lines().slice(0, 4)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server/o 200',
      'POST /o/register/ 201',
    ])
    const clientId = host.client?.client_id
    expect(Object.fromEntries(host.authorizationUrls[0]?.searchParams ?? [])).toMatchObject({
      response_type: 'code',
      client_id: clientId,
      code_challenge_method: 'S256',
      redirect_uri: REDIRECT_URI,
      resource: example.mcpUrl,
      scope: 'read',
    })
    const exchange = sdk.requests.find((request) => request.form?.get('grant_type') === 'authorization_code')
    expect(exchange?.line).toBe('POST /o/token/ 200')
    expect(exchange?.form?.get('resource')).toBe(example.mcpUrl)
    // A self-registered client is shown as unverified, with the host its code goes to (RFC 7591 §5).
    expect(browser.consentPages[0]).toContain('Unverified application')
    expect(browser.consentPages[0]).toContain('127.0.0.1:33418')
    expect(await whoami(client)).toEqual({ sub: example.user.sub, client_id: clientId, scopes: ['read'], audience: [example.mcpUrl] })
    await client.close()
  })

  it('MCP Authorization 2025-11-25 §Token Handling: an access token the MCP server no longer accepts gets 401; the SDK refreshes with resource (RFC 6749 §6, RFC 8707 §2.2) and retries', async () => {
    const host = newHost()
    await (await connectMcp(example.mcpUrl, host)).close()
    const before = host.saved
    if (!before) throw new Error('no tokens')
    // An expired token reads as inactive at introspection, as this unknown one does (RFC 7662 §2.2).
    host.saved = { ...before, access_token: 'gl_at_expiredexpiredexpiredexpiredexpiredexpir' }
    const sdk = recording()
    const client = await connectMcp(example.mcpUrl, host, sdk.fetch)
    expect(sdk.lines().slice(0, 5)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server/o 200',
      'POST /o/token/ 200',
      'POST /mcp 200',
    ])
    expect(sdk.requests[3]?.form?.get('grant_type')).toBe('refresh_token')
    expect(sdk.requests[3]?.form?.get('resource')).toBe(example.mcpUrl)
    expect(host.saved?.refresh_token).not.toBe(before.refresh_token)
    expect(await whoami(client)).toMatchObject({ sub: example.user.sub, audience: [example.mcpUrl] })
    await client.close()
  })

  it('MCP Authorization 2025-11-25 §Token Audience Binding and Validation: a token issued without this resource is refused with 401 and resource_metadata (RFC 8707 §2, RFC 9728 §5.1)', async () => {
    // A host that sends no resource gets a token with no audience: it opens no MCP server.
    const host = Object.assign(newHost(), { validateResourceURL: async () => undefined })
    await expect(connectMcp(example.mcpUrl, host)).rejects.toThrow(/401/)
    expect(host.authorizationUrls[0]?.searchParams.has('resource')).toBe(false)
    const answer = await fetch(example.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${host.saved?.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expect(answer.status).toBe(401)
    const challenge = answer.headers.get('www-authenticate') ?? ''
    expect(challenge).toContain(`resource_metadata="${new URL('/.well-known/oauth-protected-resource/mcp', example.mcpUrl)}"`)
    expect(challenge).toContain('error="invalid_token"')
  })

  it('RFC 8707 §2: a resource the server does not know is invalid_target, redirected to the registered client with state and iss', async () => {
    const host = Object.assign(newHost(), { validateResourceURL: async () => new URL('http://127.0.0.1:9/elsewhere') })
    await expect(connectMcp(example.mcpUrl, host)).rejects.toThrow(/invalid_target/)
    expect(host.error).toBe('invalid_target')
  })

  it('RFC 7591 §3.2.2: javascript: and userinfo redirect URIs are refused at registration with invalid_redirect_uri', async () => {
    for (const uri of ['javascript:alert(1)//', 'https://user@host.example/callback']) {
      const refused = await register({ client_name: 'Evil host', redirect_uris: [uri], token_endpoint_auth_method: 'none' })
      expect(refused.status).toBe(400)
      expect(await refused.json()).toMatchObject({ error: 'invalid_redirect_uri' })
    }
  })

  it("RFC 7592 §2: a registration access token reads its own client's configuration and no other", async () => {
    const metadata = { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }
    const a = (await (await register({ ...metadata, client_name: 'Host A' })).json()) as Record<string, string>
    const b = (await (await register({ ...metadata, client_name: 'Host B' })).json()) as Record<string, string>
    const read = (uri: string | undefined, token: string | undefined) => fetch(uri ?? '', { headers: { authorization: `Bearer ${token}` } })
    expect((await read(a.registration_client_uri, a.registration_access_token)).status).toBe(200)
    const other = await read(b.registration_client_uri, a.registration_access_token)
    expect(other.status).toBe(401)
    expect(await other.text()).not.toContain('Host B')
  })
})

describe('examples/mcp-node: open registration is rate-limited per client address', () => {
  let fresh: RunningExample
  beforeAll(async () => {
    fresh = await start({ port: 0, mcpPort: 0 })
  })
  afterAll(() => fresh?.stop())

  it('MCP Authorization 2025-11-25 §Dynamic Client Registration: registrations over the limit get 429 with Retry-After', async () => {
    const statuses: number[] = []
    let last: Response | undefined
    for (let attempt = 0; attempt < 12; attempt++) {
      last = await fetch(`${fresh.issuer}/register/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: `Host ${attempt}`, redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
      })
      statuses.push(last.status)
      if (last.status === 429) break
    }
    expect(statuses.slice(0, -1).every((status) => status === 201)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})
