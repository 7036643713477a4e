import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import {
  authorizeUrl,
  browse,
  fragmentParams,
  ISSUER,
  leftHalfHash,
  location,
  oidcSetup,
  pkce,
  queryParams,
  REDIRECT_URI,
  randomNonce,
  randomState,
  registerOidcClient,
  relyingParty,
  verifyIdToken,
} from './support.js'

/** An authentication request for `responseType` with state, nonce and PKCE (when a code comes back). */
async function request(clientId: string, responseType: string, extra: Record<string, string> = {}) {
  const state = randomState()
  const nonce = randomNonce()
  const { verifier, challenge } = await pkce()
  const url = authorizeUrl({
    client_id: clientId,
    response_type: responseType,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    state,
    nonce,
    ...(responseType.includes('code') ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    ...extra,
  })
  return { url, state, nonce, verifier }
}

describe('OIDC Core §3.2: implicit flow', () => {
  it('OIDC Core §3.2.2.5: response_type=id_token answers an ID Token alone in the fragment, nonce echoed', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state, nonce } = await request(reg.client_id, 'id_token')
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
    expect([...params.keys()].sort()).toEqual(['id_token', 'iss', 'state'])
    expect(params.get('iss')).toBe(ISSUER)

    // openid-client's Implicit Flow validation (signature via the JWKS, nonce, iss, aud, state).
    const config = await relyingParty(s, reg, [client.useIdTokenResponseType])
    const landed = location(await browse(s, url, s.users.signIn('user-1')))
    const claims = await client.implicitAuthentication(config, landed, nonce, { expectedState: state })
    expect(claims).toMatchObject({ iss: ISSUER, sub: 'user-1', aud: reg.client_id, nonce })
    expect(claims.at_hash).toBeUndefined()
    expect(claims.c_hash).toBeUndefined()
    expect(typeof claims.auth_time).toBe('number')
  })

  it('OIDC Core §3.2.2.5: response_type="id_token token" answers both; at_hash matches the access token; no refresh token', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state, nonce } = await request(reg.client_id, 'id_token token')
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
    expect(Object.fromEntries(params)).toEqual({
      access_token: expect.stringMatching(/^gl_at_/),
      token_type: 'Bearer',
      expires_in: '3600',
      scope: 'openid profile',
      id_token: expect.any(String),
      state,
      iss: ISSUER,
    })
    const idToken = await verifyIdToken(s, params.get('id_token')!, reg.client_id)
    expect(idToken.nonce).toBe(nonce)
    expect(idToken.at_hash).toBe(leftHalfHash(params.get('access_token')!))
    expect(idToken.c_hash).toBeUndefined()
  })

  it('OIDC Core §3.2.2.1: the members of response_type may come in any order ("token id_token")', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { response_types: ['token id_token'] })
    expect(reg.client.response_types).toEqual(['id_token token'])
    const { url } = await request(reg.client_id, 'token id_token')
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
    expect(params.has('access_token')).toBe(true)
    expect(params.has('id_token')).toBe(true)
  })
})

describe('OIDC Core §3.3: hybrid flow', () => {
  it('OIDC Core §3.3.2.5: "code id_token" answers a code and an ID Token with c_hash; the code redeems with PKCE', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state, nonce, verifier } = await request(reg.client_id, 'code id_token')
    const landed = location(await browse(s, url, s.users.signIn('user-1')))
    const params = fragmentParams(landed)
    expect([...params.keys()].sort()).toEqual(['code', 'id_token', 'iss', 'state'])
    expect((await verifyIdToken(s, params.get('id_token')!, reg.client_id)).c_hash).toBe(leftHalfHash(params.get('code')!))

    // openid-client's Hybrid Flow: checks the front-channel ID Token (c_hash, nonce), then redeems the code.
    const config = await relyingParty(s, reg, [client.useCodeIdTokenResponseType])
    const tokens = await client.authorizationCodeGrant(config, landed, {
      expectedNonce: nonce,
      expectedState: state,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.access_token).toMatch(/^gl_at_/)
    // OIDC Core §3.3.3.6: the token endpoint's ID Token keeps the nonce and has at_hash.
    const claims = tokens.claims()
    expect(claims).toMatchObject({ sub: 'user-1', nonce, at_hash: leftHalfHash(tokens.access_token) })
  })

  it('OIDC Core §3.3.2.5: "code token" answers a code and an access token, no ID Token; the code then gives one', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state, nonce, verifier } = await request(reg.client_id, 'code token')
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
    expect([...params.keys()].sort()).toEqual(['access_token', 'code', 'expires_in', 'iss', 'scope', 'state', 'token_type'])
    expect(params.get('state')).toBe(state)

    const config = await relyingParty(s, reg)
    const redirect = new URL(REDIRECT_URI)
    redirect.search = new URLSearchParams({ code: params.get('code')!, state, iss: ISSUER }).toString()
    const tokens = await client.authorizationCodeGrant(config, redirect, {
      expectedNonce: nonce,
      expectedState: state,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.claims()).toMatchObject({ sub: 'user-1', nonce })
  })

  it('OIDC Core §3.3.2.11: "code id_token token" has both c_hash and at_hash; never a refresh token', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, nonce } = await request(reg.client_id, 'token id_token code')
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
    expect([...params.keys()].sort()).toEqual(['access_token', 'code', 'expires_in', 'id_token', 'iss', 'scope', 'state', 'token_type'])
    const idToken = await verifyIdToken(s, params.get('id_token')!, reg.client_id)
    expect(idToken).toMatchObject({
      nonce,
      c_hash: leftHalfHash(params.get('code')!),
      at_hash: leftHalfHash(params.get('access_token')!),
      sub: 'user-1',
    })
  })

  it('RFC 6749 §4.1.2: a replayed hybrid code revokes the access token issued with it at the authorization endpoint', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, verifier } = await request(reg.client_id, 'code token')
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
    const redeem = () =>
      s.provider.handle(
        new Request(`${ISSUER}/token/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${btoa(`${reg.client_id}:${reg.client_secret}`)}`,
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: params.get('code')!,
            redirect_uri: REDIRECT_URI,
            code_verifier: verifier,
          }),
        }),
      )
    expect((await redeem()).status).toBe(200)
    expect((await redeem()).status).toBe(400)
    const verified = await s.provider.verifyAccessToken(
      new Request(ISSUER, { headers: { authorization: `Bearer ${params.get('access_token')}` } }),
    )
    expect(verified).toBeInstanceOf(Response)
  })

  it('OIDC Core §3.1.3.3: the code flow keeps its ID Token at the token endpoint, none at the authorization endpoint', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state, nonce, verifier } = await request(reg.client_id, 'code')
    const landed = location(await browse(s, url, s.users.signIn('user-1')))
    expect([...queryParams(landed).keys()].sort()).toEqual(['code', 'iss', 'state'])
    const tokens = await client.authorizationCodeGrant(await relyingParty(s, reg), landed, {
      expectedNonce: nonce,
      expectedState: state,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.claims()).toMatchObject({ sub: 'user-1', nonce })
  })
})

describe('OIDC Core §3.2.2.1, §3.3.2.11: what implicit and hybrid requests must carry', () => {
  it.each(['id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'])(
    'OIDC Core §3.2.2.1 / §3.3.2.11: nonce is REQUIRED for response_type=%s (invalid_request in the fragment)',
    async (responseType) => {
      const s = oidcSetup()
      const reg = await registerOidcClient(s)
      const { url, state } = await request(reg.client_id, responseType)
      url.searchParams.delete('nonce')
      const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
      expect(params.get('error')).toBe('invalid_request')
      expect(params.get('error_description')).toMatch(/nonce/)
      expect(params.get('state')).toBe(state)
      expect(params.get('iss')).toBe(ISSUER)
      expect(params.has('id_token') || params.has('access_token') || params.has('code')).toBe(false)
    },
  )

  it('OIDC Core §3.2.2.1: an ID Token needs the openid scope (invalid_request)', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url } = await request(reg.client_id, 'id_token', { scope: 'profile' })
    const params = fragmentParams(await browse(s, url, s.users.signIn('user-1')))
    expect(params.get('error')).toBe('invalid_request')
    expect(params.get('error_description')).toMatch(/openid/)
  })

  it('OIDC Core §3.3.2.2: a response type the client did not register is unauthorized_client', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { response_types: ['code', 'code id_token'] })
    const { url } = await request(reg.client_id, 'id_token token')
    expect(fragmentParams(await browse(s, url, s.users.signIn('user-1'))).get('error')).toBe('unauthorized_client')
  })

  it('OIDC Core §3.3.2.2: the OpenID response types need the implicit grant on the server (unsupported_response_type)', async () => {
    const s = oidcSetup({ grantTypes: ['authorization_code', 'refresh_token'] })
    const reg = await registerOidcClient(s)
    const { url } = await request(reg.client_id, 'code id_token')
    expect(fragmentParams(await browse(s, url, s.users.signIn('user-1'))).get('error')).toBe('unsupported_response_type')
  })

  it('OIDC Core §3.3.2.2: an unknown or repeated response_type member is unsupported_response_type', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    for (const responseType of ['code code', 'code  id_token', 'code id_token none', 'device_code']) {
      const { url } = await request(reg.client_id, 'code')
      url.searchParams.set('response_type', responseType)
      const response = await browse(s, url, s.users.signIn('user-1'))
      const landed = location(response)
      const params = new URLSearchParams(landed.hash ? landed.hash.slice(1) : landed.search)
      expect(params.get('error'), responseType).toBe('unsupported_response_type')
    }
  })
})
