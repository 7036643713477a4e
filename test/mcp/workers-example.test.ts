import type { UserRecord } from '@grantline/core'
import { auth } from '@modelcontextprotocol/sdk/client/auth.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { type RunningWorker, start } from '../../examples/mcp-workers/start.mjs'
import { Browser } from './browser.js'
import { connectMcp, HeadlessHost, recording, whoami } from './headless-host.js'

// examples/mcp-workers: one Worker (Grantline on D1 + the MCP server, same process) in workerd
// through Miniflare, driven over HTTP by the MCP SDK's own client as a host drives it.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const PASSWORD = 'correct horse battery staple'
/** A loopback redirect, as desktop hosts register (never visited: the browser stops there). */
const REDIRECT_URI = 'http://127.0.0.1:33418/callback'

let worker: RunningWorker
let user: UserRecord
beforeAll(async () => {
  worker = await start({ port: 0 })
  user = await worker.createUser('alice', PASSWORD)
})
afterAll(() => worker?.stop())

const newHost = (browser = new Browser({ username: 'alice', password: PASSWORD })) =>
  new HeadlessHost({ issuer: worker.issuer, redirectUri: REDIRECT_URI, browser })

describe('examples/mcp-workers: Grantline and an MCP server in one Worker (workerd, D1)', () => {
  it('MCP Authorization 2025-11-25 §Authorization Flow Steps: 401 with resource_metadata (RFC 9728 §5.1), protected resource metadata, RFC 8414 metadata, registration (RFC 7591 §3), code with S256 and resource (RFC 8707 §2), a tool call as the user', async () => {
    const browser = new Browser({ username: 'alice', password: PASSWORD })
    const host = newHost(browser)
    const sdk = recording()
    const client = await connectMcp(worker.mcpUrl, host, sdk.fetch)
    expect(sdk.lines().slice(0, 4)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server/o 200',
      'POST /o/register/ 201',
    ])
    const clientId = host.client?.client_id
    const [authorization] = host.authorizationUrls
    expect(Object.fromEntries(authorization?.searchParams ?? [])).toMatchObject({
      response_type: 'code',
      client_id: clientId,
      code_challenge_method: 'S256',
      redirect_uri: REDIRECT_URI,
      resource: worker.mcpUrl,
      scope: 'read',
    })
    const exchange = sdk.requests.find((request) => request.form?.get('grant_type') === 'authorization_code')
    expect(exchange?.line).toBe('POST /o/token/ 200')
    expect(exchange?.form?.get('resource')).toBe(worker.mcpUrl)
    // A registered client names itself: the consent page says it is unverified and shows where
    // the code goes: its metadata is self-asserted (RFC 7591 §5).
    expect(browser.consentPages[0]).toContain('Unverified application')
    expect(browser.consentPages[0]).toContain('127.0.0.1:33418')
    expect(await whoami(client)).toEqual({ sub: user.sub, client_id: clientId, scopes: ['read'], audience: [worker.mcpUrl] })
    await client.close()
  })

  it('MCP Authorization 2025-11-25 §Token Handling: a revoked access token gets 401; the SDK refreshes with resource (RFC 6749 §6, RFC 8707 §2.2) and retries', async () => {
    const host = newHost()
    const first = await connectMcp(worker.mcpUrl, host, fetch)
    await first.close()
    const before = host.saved
    // RFC 7009: the host (a public client) revokes its own access token; in one Worker the
    // resource server sees it at once.
    const revoked = await fetch(`${worker.issuer}/revoke_token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: before?.access_token ?? '', client_id: host.client?.client_id ?? '' }),
    })
    expect(revoked.status).toBe(200)
    const sdk = recording()
    const client = await connectMcp(worker.mcpUrl, host, sdk.fetch)
    expect(sdk.lines().slice(0, 5)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server/o 200',
      'POST /o/token/ 200',
      'POST /mcp 200',
    ])
    const refresh = sdk.requests[3]?.form
    expect(refresh?.get('grant_type')).toBe('refresh_token')
    expect(refresh?.get('resource')).toBe(worker.mcpUrl)
    expect(host.saved?.access_token).not.toBe(before?.access_token)
    // Public clients get a new refresh token at every refresh (OAuth 2.1 §4.3.1).
    expect(host.saved?.refresh_token).not.toBe(before?.refresh_token)
    expect(await whoami(client)).toMatchObject({ sub: user.sub, audience: [worker.mcpUrl] })
    await client.close()
    // The SDK's refresh path called directly (no 401 first) answers AUTHORIZED with new tokens.
    const latest = host.saved?.access_token
    expect(await auth(host, { serverUrl: worker.mcpUrl })).toBe('AUTHORIZED')
    expect(host.saved?.access_token).not.toBe(latest)
  })

  it("DOT's cleartokens: the Worker's Cron Trigger runs cleanup (expired and revoked rows, dynamic clients long unused)", async () => {
    expect(await worker.cron()).toMatchObject({ outcome: 'ok' })
  })
})
