import { createResourceServer } from '@grantline/resource-server'
import { auth } from '@modelcontextprotocol/sdk/client/auth.js'
import { InvalidTargetError } from '@modelcontextprotocol/sdk/server/auth/errors.js'
import { describe, expect, it } from 'vitest'
import { createMcpHandler } from '../../examples/mcp-node/mcp-handler.mjs'
import { ISSUER, setup } from '../support/provider.js'
import { Browser, type Fetch } from './browser.js'
import { connectMcp, HeadlessHost, recording, whoami } from './headless-host.js'

// In-process: the provider, the MCP handler of examples/mcp-node (same-process resource server)
// and the MCP SDK's client, with one fetch routing by origin and a fake clock. The host's Client
// ID Metadata Document is served by the provider's injected fetch, as its web server would.
const MCP = 'https://mcp.example/mcp'
const OTHER = 'https://files.example/api'
const CLIENT_ID = 'https://host.example/oauth/mcp-client.json'
const REDIRECT_URI = 'http://127.0.0.1:33418/callback'

function world() {
  const documentFetches: string[] = []
  const document = {
    client_id: CLIENT_ID,
    client_name: 'Example MCP host',
    client_uri: 'https://host.example',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  }
  const outbound = (async (input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input)
    documentFetches.push(url)
    if (url !== CLIENT_ID) return new Response('Not Found', { status: 404 })
    return Response.json(document, { headers: { 'cache-control': 'max-age=300' } })
  }) as typeof fetch
  const s = setup({ resources: [{ uri: MCP, name: 'Example MCP server' }, { uri: OTHER }], clientIdMetadataDocuments: {}, fetch: outbound })
  const mcp = createMcpHandler(createResourceServer({ resource: MCP, provider: s.provider, scopes: ['read'] }))
  const route: Fetch = async (input, init) => {
    const request = new Request(input, init)
    return new URL(request.url).origin === new URL(ISSUER).origin ? s.provider.handle(request) : mcp(request)
  }
  const browser = new Browser({ username: 'alice', password: 'correct horse' }, route)
  const [name = '', value = ''] = s.users.signIn('user-1').split('=')
  browser.jar.cookies.set(name, value)
  const host = (extra: Partial<HeadlessHost> = {}) =>
    Object.assign(new HeadlessHost({ issuer: ISSUER, redirectUri: REDIRECT_URI, browser, clientMetadataUrl: CLIENT_ID }), extra)
  /** A host registered beforehand, for the checks that are not about how the client is identified. */
  const registeredHost = async (extra: Partial<HeadlessHost> = {}) => {
    const { client } = await s.provider.clients.create({
      client_name: 'Registered MCP host',
      client_type: 'public',
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
    })
    const options = { issuer: ISSUER, redirectUri: REDIRECT_URI, browser, client: { client_id: client.client_id } }
    return Object.assign(new HeadlessHost(options), extra)
  }
  return { s, route, browser, host, registeredHost, documentFetches }
}

describe('MCP with a Client ID Metadata Document instead of registration (in-process)', () => {
  it('MCP Authorization 2025-11-25 §Client ID Metadata Documents: the SDK sends its https client_id URL, Grantline fetches the document, and the tool sees the user', async () => {
    const w = world()
    const host = w.host()
    const sdk = recording(w.route)
    const client = await connectMcp(MCP, host, sdk.fetch)
    expect(sdk.lines()).not.toContain('POST /o/register/ 201')
    expect(host.authorizationUrls[0]?.searchParams.get('client_id')).toBe(CLIENT_ID)
    expect(w.documentFetches).toContain(CLIENT_ID)
    // The consent page calls the application unverified and names the document's host and the
    // redirect's host, the identities a metadata document proves.
    expect(w.browser.consentPages[0]).toContain('Unverified application')
    expect(w.browser.consentPages[0]).toContain('host.example')
    expect(w.browser.consentPages[0]).toContain('127.0.0.1:33418')
    expect(await whoami(client)).toEqual({ sub: 'user-1', client_id: CLIENT_ID, scopes: ['read'], audience: [MCP] })
    await client.close()
  })

  it('MCP Authorization 2025-11-25 §Token Handling: once the access token expires the MCP server answers 401 and the SDK refreshes with resource (RFC 6749 §6, RFC 8707 §2.2)', async () => {
    const w = world()
    const host = w.host()
    await (await connectMcp(MCP, host, w.route)).close()
    const before = host.saved
    w.s.clock.advance(3601)
    const sdk = recording(w.route)
    const client = await connectMcp(MCP, host, sdk.fetch)
    expect(sdk.lines().slice(0, 5)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server/o 200',
      'POST /o/token/ 200',
      'POST /mcp 200',
    ])
    expect(sdk.requests[3]?.form?.get('grant_type')).toBe('refresh_token')
    expect(sdk.requests[3]?.form?.get('resource')).toBe(MCP)
    expect(host.saved?.refresh_token).not.toBe(before?.refresh_token)
    expect(await whoami(client)).toMatchObject({ sub: 'user-1', client_id: CLIENT_ID, audience: [MCP] })
    await client.close()
  })

  it('MCP Authorization 2025-11-25 §Token Audience Binding and Validation: a token issued for another resource is refused with 401 and resource_metadata (RFC 8707 §2, RFC 9728 §5.1)', async () => {
    const w = world()
    // A host that asks for the other resource: Grantline issues a token whose audience is OTHER.
    const host = await w.registeredHost({ validateResourceURL: async () => new URL(OTHER) })
    await expect(connectMcp(MCP, host, w.route)).rejects.toThrow(/401/)
    expect(host.authorizationUrls[0]?.searchParams.get('resource')).toBe(OTHER)
    const token = host.saved?.access_token ?? ''
    expect(token).not.toBe('')
    const answer = await w.route(MCP, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    expect(answer.status).toBe(401)
    const challenge = answer.headers.get('www-authenticate') ?? ''
    expect(challenge).toContain('resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp"')
    expect(challenge).toContain('error="invalid_token"')
  })

  it('RFC 8707 §2: an unknown resource is invalid_target, at the authorization endpoint (a redirect carrying iss) and at refresh', async () => {
    const w = world()
    const lost = await w.registeredHost({ validateResourceURL: async () => new URL('https://unknown.example/mcp') })
    await expect(connectMcp(MCP, lost, w.route)).rejects.toThrow(/invalid_target/)
    expect(lost.error).toBe('invalid_target')
    // A granted host that refreshes for a resource outside its grant.
    const host = await w.registeredHost()
    await (await connectMcp(MCP, host, w.route)).close()
    host.validateResourceURL = async () => new URL(OTHER)
    await expect(auth(host, { serverUrl: MCP, fetchFn: w.route })).rejects.toBeInstanceOf(InvalidTargetError)
  })
})
