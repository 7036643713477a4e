import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  type CreatedClient,
  createClient,
  createWorkspace,
  REDIRECT_URI,
  type ServerProcess,
  startServer,
  stopAllServers,
  type Workspace,
} from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/**
 * Protocol refusals as a client meets them over HTTP from a real `grantline serve`: the status,
 * the headers and the redirect are what the wire carries, not what the core meant to send.
 */
describe('grantline serve over HTTP: refusals that a client must be able to read', () => {
  let ws: Workspace
  let server: ServerProcess
  let web: CreatedClient

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    web = await createClient(ws, 'Web app', ['authorization_code', 'refresh_token'])
    server = await startServer(ws)
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  /** An authorization request that would otherwise go to the login page, plus `extra`. */
  function authorize(extra: Record<string, string>): Promise<Response> {
    const url = new URL(`${server.issuer}/authorize/`)
    const params = {
      client_id: web.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state: 'xyz',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      ...extra,
    }
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    return fetch(url, { redirect: 'manual' })
  }

  it.each([
    // RFC 9101 §6.2: an unsigned request object is refused, never read.
    ['request', 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6InJlYWQifQ.', 'invalid_request_object'],
    ['request_uri', 'https://app.example/request.jwt', 'request_uri_not_supported'],
  ])('OIDC Core §6.1/§6.2: a %s parameter is refused at the redirect_uri, never ignored', async (name, value, error) => {
    const response = await authorize({ [name]: value })
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: 'xyz', iss: server.issuer })
    expect(location.searchParams.has('code')).toBe(false)
  })

  it('RFC 9101 §10.5: the server metadata says signed request objects are supported, request_uri only through PAR', async () => {
    const issuerPath = new URL(server.issuer).pathname
    const response = await fetch(`${server.origin}/.well-known/oauth-authorization-server${issuerPath}`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ request_parameter_supported: true, request_uri_parameter_supported: false })
  })

  it.each([
    ['RFC 7662 §2.3', 'introspect'],
    ['RFC 7009 §2.1', 'revoke_token'],
  ])('%s: %s without client credentials is 401 invalid_client with a Basic challenge', async (_section, endpoint) => {
    const response = await fetch(`${server.issuer}/${endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=gl_at_not-a-token-anyone-issued',
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
  })
})
