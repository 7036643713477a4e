import { describe, expect, it } from 'vitest'
import { basic, ISSUER } from '../support/provider.js'
import {
  apiRequest,
  asResponse,
  clientCredentialsToken,
  createAgent,
  DPOP_OFFER,
  INTROSPECTION_ENDPOINT,
  MCP,
  MCP_METADATA,
  OTHER,
  remoteResourceServer,
  revoke,
  setupAs,
} from './support.js'

const bearer = (token: string) => apiRequest(`Bearer ${token}`)

async function expectInvalidToken(result: unknown, description: string) {
  const response = asResponse(result)
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate')).toBe(
    `Bearer resource_metadata="${MCP_METADATA}", error="invalid_token", error_description="${description}", ${DPOP_OFFER}`,
  )
}

describe('remote mode: RFC 7662 introspection of a real provider', () => {
  it('RFC 7662 §2.1: asks the endpoint with client_secret_basic, the token and an access_token hint', async () => {
    const s = setupAs()
    const { server, calls, clientId } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s), MCP)
    await server.verify(bearer(token))
    expect(calls).toHaveLength(1)
    const [call] = calls as [Request]
    expect(call.method).toBe('POST')
    expect(call.url).toBe(INTROSPECTION_ENDPOINT)
    expect(call.headers.get('authorization')).toMatch(/^Basic /)
    expect(atob((call.headers.get('authorization') as string).slice(6)).split(':')[0]).toBe(clientId)
    expect(call.headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(await call.text()))).toEqual({ token, token_type_hint: 'access_token' })
  })

  it('RFC 7662 §2.2: an active token for this resource is accepted with its owner, client, scopes, expiry and audience', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const agent = await createAgent(s)
    const token = await clientCredentialsToken(s, agent, MCP, 'read write')
    expect(await server.verify(bearer(token), { scopes: ['write'] })).toEqual({
      sub: null,
      client_id: agent.id,
      scopes: ['read', 'write'],
      expires_at: Math.floor(s.clock.now() / 1000) + 3600,
      audience: [MCP],
    })
  })

  it('RFC 8707 §2: a token for another resource is refused as invalid_token', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s), OTHER)
    await expectInvalidToken(await server.verify(bearer(token)), 'the access token is not meant for this resource')
  })

  it('RFC 8707 §2: a token that names no resource (no aud) is refused as invalid_token', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s))
    await expectInvalidToken(await server.verify(bearer(token)), 'the access token is not meant for this resource')
  })

  it('RFC 8707 §2: a token for this resource and another is accepted (aud as an array)', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const token = await clientCredentialsToken(s, await createAgent(s), [MCP, OTHER])
    expect(await server.verify(bearer(token))).toMatchObject({ audience: [MCP, OTHER] })
  })

  it('RFC 6749 §1.5: a refresh token presented as a Bearer token is refused, though introspection calls it active', async () => {
    const s = setupAs({ grantTypes: ['password', 'refresh_token', 'client_credentials'] })
    const { server } = await remoteResourceServer(s)
    const created = await s.provider.clients.create({ client_name: 'App', grant_types: ['password', 'refresh_token'] })
    const body = new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'correct horse', scope: 'read', resource: MCP })
    const response = await s.provider.handle(
      new Request(`${ISSUER}/token/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(created.client.client_id, created.client_secret ?? ''),
        },
        body,
      }),
    )
    const tokens = (await response.json()) as { access_token: string; refresh_token: string }
    expect(await server.verify(bearer(tokens.access_token))).toMatchObject({ sub: 'user-1', audience: [MCP] })
    await expectInvalidToken(await server.verify(bearer(tokens.refresh_token)), 'the access token is invalid, expired or revoked')
  })

  it('RFC 7662 §2.2: a revoked or expired token is refused as invalid_token', async () => {
    const s = setupAs()
    const { server } = await remoteResourceServer(s)
    const agent = await createAgent(s)
    const revoked = await clientCredentialsToken(s, agent, MCP)
    await revoke(s, agent, revoked)
    await expectInvalidToken(await server.verify(bearer(revoked)), 'the access token is invalid, expired or revoked')
    const expiring = await clientCredentialsToken(s, agent, MCP)
    s.clock.advance(3600)
    await expectInvalidToken(await server.verify(bearer(expiring)), 'the access token is invalid, expired or revoked')
  })
})

describe('remote mode: an authorization server that cannot be asked answers 503, never 401', () => {
  const failures: [string, (request: Request) => Promise<Response>][] = [
    [
      'a network error',
      async () => {
        throw new TypeError('fetch failed: connect ECONNREFUSED 10.1.2.3:443')
      },
    ],
    ['a 500', async () => new Response('database ECONNREFUSED 10.1.2.3', { status: 500 })],
    ['a 502 from a proxy', async () => new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } })],
    ['a 200 that is not JSON', async () => new Response('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } })],
    ['JSON that is not an introspection answer', async () => Response.json({ status: 'ok' })],
    ['a redirect', async () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } })],
  ]

  for (const [name, failing] of failures) {
    it(`RFC 7662 §2.2: ${name} is 503 with no detail, and goes to onError`, async () => {
      const s = setupAs()
      const reported: unknown[] = []
      const { server } = await remoteResourceServer(s, {
        wrap: () => (input, init) => failing(new Request(input, init)),
        onError: (error) => reported.push(error),
      })
      const response = asResponse(await server.verify(bearer('gl_at_anything')))
      expect(response.status).toBe(503)
      expect(response.headers.get('www-authenticate')).toBeNull()
      const body = await response.text()
      expect(body).toBe('{"error":"temporarily_unavailable"}')
      expect(reported).toHaveLength(1)
    })
  }

  it('RFC 7662 §2.1: credentials the authorization server refuses are 503 for the caller, not its fault', async () => {
    const s = setupAs()
    const reported: unknown[] = []
    const { server } = await remoteResourceServer(s, { onError: (error) => reported.push(error) })
    const wrong = await remoteResourceServer(s, {
      introspection: { endpoint: INTROSPECTION_ENDPOINT, clientId: 'nobody', clientSecret: 'wrong' },
      onError: (error) => reported.push(error),
    })
    const token = await clientCredentialsToken(s, await createAgent(s), MCP)
    expect(asResponse(await wrong.server.verify(bearer(token))).status).toBe(503)
    expect(reported).toHaveLength(1)
    expect(await server.verify(bearer(token))).toMatchObject({ audience: [MCP] })
  })
})
