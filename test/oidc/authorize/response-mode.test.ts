import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import { setup } from '../../support/provider.js'
import {
  authorizeUrl,
  browse,
  formPostRequest,
  fragmentParams,
  get,
  ISSUER,
  location,
  oidcSetup,
  pkce,
  queryParams,
  REDIRECT_URI,
  randomNonce,
  randomState,
  readFormPost,
  registerOidcClient,
  relyingParty,
  verifyIdToken,
} from './support.js'

async function request(clientId: string, responseType: string, extra: Record<string, string> = {}) {
  const state = randomState()
  const nonce = randomNonce()
  const { verifier, challenge } = await pkce()
  const url = authorizeUrl({
    client_id: clientId,
    response_type: responseType,
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  return { url, state, nonce, verifier }
}

describe('OAuth 2.0 Form Post Response Mode', () => {
  it("Form Post Response Mode §2: the code comes in an auto-submitting form: hidden inputs, nonce'd script, CSP, no-store", async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url, state, nonce, verifier } = await request(reg.client_id, 'code', { response_mode: 'form_post' })
    const response = await get(s, url, s.users.signIn('user-1'))
    expect(response.headers.get('location')).toBeNull()
    expect(response.headers.get('cache-control')).toBe('no-store')
    const page = await readFormPost(response)
    expect(page.action).toBe(REDIRECT_URI)
    expect(Object.keys(page.fields).sort()).toEqual(['code', 'iss', 'state'])
    expect(page.fields).toMatchObject({ state, iss: ISSUER, code: expect.stringMatching(/^gl_ac_/) })
    // The one inline script runs by its nonce; nothing else may load or run, and the form may go only to the client.
    expect(page.scriptNonce).toMatch(/^[A-Za-z0-9_-]{16,}$/)
    expect(page.csp.get('script-src')).toBe(`'nonce-${page.scriptNonce}'`)
    expect(page.csp.get('default-src')).toBe("'none'")
    expect(page.csp.get('form-action')).toBe(new URL(REDIRECT_URI).origin)
    expect(page.csp.get('frame-ancestors')).toBe("'none'")
    expect(page.html.match(/<script/g)).toHaveLength(1)
    expect(page.html).toMatch(/<noscript>[\s\S]*<button type="submit">[\s\S]*<\/noscript>/)
    // A fresh nonce per page.
    const again = await readFormPost(await get(s, url, s.users.signIn('user-1')))
    expect(again.scriptNonce).not.toBe(page.scriptNonce)

    // What the browser posts is an authorization response openid-client accepts.
    const tokens = await client.authorizationCodeGrant(await relyingParty(s, reg), formPostRequest(page), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.claims()).toMatchObject({ sub: 'user-1', nonce })
  })

  it('Form Post Response Mode §2: a hybrid response by form_post validates with openid-client (c_hash, nonce)', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state, nonce, verifier } = await request(reg.client_id, 'code id_token', { response_mode: 'form_post' })
    // After the consent POST the answer is the page itself (200), not a 303.
    const page = await readFormPost(await browse(s, url, s.users.signIn('user-1')))
    expect(Object.keys(page.fields).sort()).toEqual(['code', 'id_token', 'iss', 'state'])
    const config = await relyingParty(s, reg, [client.useCodeIdTokenResponseType])
    const tokens = await client.authorizationCodeGrant(config, formPostRequest(page), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.access_token).toMatch(/^gl_at_/)
  })

  it('Form Post Response Mode §2: the implicit ID Token by form_post validates with openid-client', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url, state, nonce } = await request(reg.client_id, 'id_token', { response_mode: 'form_post' })
    url.searchParams.delete('code_challenge')
    url.searchParams.delete('code_challenge_method')
    const page = await readFormPost(await get(s, url, s.users.signIn('user-1')))
    const config = await relyingParty(s, reg, [client.useIdTokenResponseType])
    const claims = await client.implicitAuthentication(config, formPostRequest(page), nonce, { expectedState: state })
    expect(claims.sub).toBe('user-1')
    expect(await verifyIdToken(s, page.fields.id_token!, reg.client_id)).toMatchObject({ nonce })
  })

  it('Form Post Response Mode §2: errors after redirect_uri validation come back by form_post, with state and iss', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state } = await request(reg.client_id, 'code id_token', { response_mode: 'form_post' })
    url.searchParams.delete('nonce')
    const page = await readFormPost(await get(s, url, s.users.signIn('user-1')))
    expect(page.fields).toMatchObject({ error: 'invalid_request', state, iss: ISSUER })
    expect(page.fields.error_description).toMatch(/nonce/)

    const denied = await request(reg.client_id, 'code', { response_mode: 'form_post' })
    const deniedPage = await readFormPost(await browse(s, denied.url, s.users.signIn('user-1'), 'deny'))
    expect(deniedPage.fields).toMatchObject({ error: 'access_denied', state: denied.state, iss: ISSUER })
  })

  it('Form Post Response Mode §2: a hostile state is escaped in the page, not executed', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const state = '"><script>alert(1)</script>'
    const { url } = await request(reg.client_id, 'code', { response_mode: 'form_post', state })
    const page = await readFormPost(await get(s, url, s.users.signIn('user-1')))
    expect(page.fields.state).toBe(state)
    expect(page.html.match(/<script/g)).toHaveLength(1)
  })

  it('RFC 6749 §4.1.2.1: before redirect_uri is validated, form_post errors are still a local page', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url } = await request(reg.client_id, 'code', { response_mode: 'form_post', redirect_uri: 'https://evil.example/cb' })
    const response = await get(s, url, s.users.signIn('user-1'))
    expect(response.status).toBe(400)
    expect(await response.text()).not.toMatch(/evil\.example|<form/)
  })
})

describe('OAuth 2.0 Multiple Response Types §2.1: response_mode', () => {
  it('Multiple Response Types §2.1: response_mode=fragment moves a code into the fragment', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url, state } = await request(reg.client_id, 'code', { response_mode: 'fragment' })
    const params = fragmentParams(await get(s, url, s.users.signIn('user-1')))
    expect(params.get('code')).toMatch(/^gl_ac_/)
    expect(params.get('state')).toBe(state)
    expect(params.get('iss')).toBe(ISSUER)
  })

  it.each(['token', 'id_token', 'code id_token', 'code token'])(
    'Multiple Response Types §2.1: response_mode=query is refused for response_type=%s (invalid_request in the fragment)',
    async (responseType) => {
      const s = oidcSetup()
      const reg = await registerOidcClient(s, { skip_authorization: true })
      const { url, state } = await request(reg.client_id, responseType, { response_mode: 'query' })
      const params = fragmentParams(await get(s, url, s.users.signIn('user-1')))
      expect(params.get('error')).toBe('invalid_request')
      expect(params.get('error_description')).toMatch(/response_mode/)
      expect(params.get('state')).toBe(state)
      expect(params.get('iss')).toBe(ISSUER)
    },
  )

  it('Multiple Response Types §2.1: an error for a fragment response type (consent denied) goes back in the fragment', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state } = await request(reg.client_id, 'code id_token')
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1'), 'deny'))
    expect(Object.fromEntries(params)).toMatchObject({ error: 'access_denied', state, iss: ISSUER })
  })

  it('Multiple Response Types §2.1: an unknown response_mode is invalid_request, sent in the default mode', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url } = await request(reg.client_id, 'code', { response_mode: 'web_message' })
    expect(queryParams(await get(s, url, s.users.signIn('user-1'))).get('error')).toBe('invalid_request')
  })

  it('Multiple Response Types §2.1: without OpenID Connect form_post is not offered (invalid_request)', async () => {
    const s = setup()
    const { client: registered } = await s.provider.clients.create({
      client_name: 'App',
      redirect_uris: [REDIRECT_URI],
      skip_authorization: true,
    })
    const { url } = await request(registered.client_id, 'code', { response_mode: 'form_post', scope: 'read' })
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(queryParams(location(response)).get('error')).toBe('invalid_request')
  })
})
