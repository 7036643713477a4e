import { describe, expect, it } from 'vitest'
import { expectLocalPage } from '../../security/support.js'
import { setup } from '../../support/provider.js'
import { authorizeUrl, get, ISSUER, oidcSetup, pkce, queryParams, REDIRECT_URI, randomState, registerOidcClient } from './support.js'

/** A signed-in request that would be answered with a code, plus `extra`. */
async function request(clientId: string, extra: Record<string, string>) {
  const state = randomState()
  const { challenge } = await pkce()
  const url = authorizeUrl({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state,
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  return { url, state }
}

// Any compact JWS: it is refused before anyone would read it.
const REQUEST_OBJECT = 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCBhZG1pbiJ9.'

describe('OIDC Core §6: request objects are refused until they are supported, never silently ignored', () => {
  it('OIDC Core §6.1: a request parameter is answered request_not_supported at the redirect_uri, never a code', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url, state } = await request(reg.client_id, { request: REQUEST_OBJECT })
    const params = queryParams(await get(s, url, s.users.signIn('user-1')))
    expect(Object.fromEntries(params)).toMatchObject({ error: 'request_not_supported', state, iss: ISSUER })
    expect(params.has('code')).toBe(false)
  })

  it('OIDC Core §6.2: a request_uri parameter is answered request_uri_not_supported at the redirect_uri, never a code', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url, state } = await request(reg.client_id, { request_uri: 'https://app.example/request.jwt' })
    const params = queryParams(await get(s, url, s.users.signIn('user-1')))
    expect(Object.fromEntries(params)).toMatchObject({ error: 'request_uri_not_supported', state, iss: ISSUER })
    expect(params.has('code')).toBe(false)
  })

  it('OIDC Core §6.1: before the client and redirect_uri are validated, the refusal is a local page', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const unknown = await request('nobody', { request: REQUEST_OBJECT })
    await expectLocalPage(await get(s, unknown.url, cookie))
    const elsewhere = await request(reg.client_id, { request: REQUEST_OBJECT, redirect_uri: 'https://evil.example/cb' })
    await expectLocalPage(await get(s, elsewhere.url, cookie))
  })

  it('RFC 9101 §10.4: without OpenID Connect, request and request_uri are refused the same way', async () => {
    const s = setup()
    const { client } = await s.provider.clients.create({ client_name: 'App', redirect_uris: [REDIRECT_URI], skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    for (const [parameter, error] of [
      ['request', 'request_not_supported'],
      ['request_uri', 'request_uri_not_supported'],
    ] as const) {
      const { url } = await request(client.client_id, { scope: 'read', [parameter]: REQUEST_OBJECT })
      const response = await s.provider.handle(new Request(url, { headers: { cookie } }))
      expect(new URL(response.headers.get('location') ?? '').searchParams.get('error')).toBe(error)
    }
  })

  it('OIDC Discovery §3, RFC 9101 §10.5: both metadata documents say request and request_uri are not supported', async () => {
    const documents = [
      [oidcSetup(), `${ISSUER}/.well-known/openid-configuration`],
      [oidcSetup(), 'https://as.example/.well-known/oauth-authorization-server/o'],
      [setup(), 'https://as.example/.well-known/oauth-authorization-server/o'],
    ] as const
    for (const [s, url] of documents) {
      const response = await s.provider.handle(new Request(url))
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ request_parameter_supported: false, request_uri_parameter_supported: false })
    }
  })
})
