import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose'
import * as oauth from 'oauth4webapi'
import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import { expectLocalPage } from '../../security/support.js'
import { setup } from '../../support/provider.js'
import {
  browse,
  fragmentParams,
  get,
  ISSUER,
  location,
  type OidcSetup,
  oidcSetup,
  pkce,
  queryParams,
  REDIRECT_URI,
  randomState,
  registerOidcClient,
} from './support.js'

const as: oauth.AuthorizationServer = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize/`,
  token_endpoint: `${ISSUER}/token/`,
  pushed_authorization_request_endpoint: `${ISSUER}/par/`,
  id_token_signing_alg_values_supported: ['ES256'],
}

async function keyPair(kid = 'rk1') {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
  return { kid, key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid } }
}

type Key = Awaited<ReturnType<typeof keyPair>>

/** A client that signs its request objects with `key` and authenticates with private_key_jwt. */
async function signingClient(s: OidcSetup, key: Key, input: Record<string, unknown> = {}) {
  const reg = await registerOidcClient(s, { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] }, ...input })
  return { ...reg, oauthClient: { client_id: reg.client_id } as oauth.Client }
}

/** The parameters of a code request with S256 PKCE, as a client would sign them. */
async function codeRequest(clientId: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = await pkce()
  const params = {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state: randomState(),
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }
  return { params, verifier }
}

/** The authorization URL carrying `request`, with only client_id, response_type and redirect_uri outside (or `outer`). */
function urlWith(clientId: string, request: string, outer: Record<string, string> = { response_type: 'code', redirect_uri: REDIRECT_URI }) {
  const url = new URL(`${ISSUER}/authorize/`)
  url.searchParams.set('client_id', clientId)
  url.searchParams.set('request', request)
  for (const [name, value] of Object.entries(outer)) url.searchParams.set(name, value)
  return url
}

async function sign(claims: Record<string, unknown>, key: Key, clientId: string, header: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ iss: clientId, aud: ISSUER, client_id: clientId, iat: now, exp: now + 60, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...header })
    .sign(key.key)
}

async function refusedAtRedirect(s: OidcSetup, url: URL) {
  const params = queryParams(await get(s, url, s.users.signIn('user-1')))
  expect(params.get('error')).toBe('invalid_request_object')
  expect(params.has('code')).toBe(false)
  return params
}

describe('request objects (RFC 9101)', () => {
  it('RFC 9101 §6.3: oauth4webapi signs the request; its parameters win over the outer ones; tokens by private_key_jwt', async () => {
    const s = oidcSetup()
    const key = await keyPair()
    const reg = await signingClient(s, key, { skip_authorization: true })
    const { params, verifier } = await codeRequest(reg.client_id, { scope: 'openid read' })
    const request = await oauth.issueRequestObject(as, reg.oauthClient, new URLSearchParams(params), { key: key.key, kid: key.kid })
    // Outer values that disagree with the object's are ignored (§6.3), and only the object's state comes back.
    const url = urlWith(reg.client_id, request, { response_type: 'code', scope: 'openid read write', state: 'outer-state' })
    const redirect = location(await get(s, url, s.users.signIn('user-1')))
    const callback = oauth.validateAuthResponse(as, reg.oauthClient, redirect, params.state)
    const auth = oauth.PrivateKeyJwt({ key: key.key, kid: key.kid })
    const response = await oauth.authorizationCodeGrantRequest(as, reg.oauthClient, auth, callback, REDIRECT_URI, verifier, {
      [oauth.customFetch]: s.fetch,
    })
    const tokens = await oauth.processAuthorizationCodeResponse(as, reg.oauthClient, response, { expectedNonce: params.nonce })
    expect(tokens.scope).toBe('openid read')
  })

  it('RFC 9101 §5: openid-client builds the request with JAR; the code flow completes through the consent page', async () => {
    const s = oidcSetup()
    const key = await keyPair()
    const reg = await signingClient(s, key)
    const config = await client.discovery(new URL(ISSUER), reg.client_id, undefined, client.PrivateKeyJwt({ key: key.key, kid: key.kid }), {
      [client.customFetch]: (url, options) => s.fetch(url, options as RequestInit),
    })
    const { verifier, challenge } = await pkce()
    const state = randomState()
    const url = await client.buildAuthorizationUrlWithJAR(
      config,
      { redirect_uri: REDIRECT_URI, scope: 'openid', state, code_challenge: challenge, code_challenge_method: 'S256' },
      { key: key.key, kid: key.kid },
    )
    expect(url.searchParams.has('request')).toBe(true)
    expect(url.searchParams.has('scope')).toBe(false)
    const redirect = location(await browse(s, url, s.users.signIn('user-1')))
    const tokens = await client.authorizationCodeGrant(config, redirect, { pkceCodeVerifier: verifier, expectedState: state })
    expect(tokens.claims()?.sub).toBe('user-1')
  })

  it('RFC 9101 §6.2, §10.1: an unsigned (alg none) request object is invalid_request_object', async () => {
    const s = oidcSetup()
    const reg = await signingClient(s, await keyPair(), { skip_authorization: true })
    const { params } = await codeRequest(reg.client_id)
    const now = Math.floor(Date.now() / 1000)
    const none = new UnsecuredJWT({ ...params, iss: reg.client_id, aud: ISSUER, exp: now + 60 }).encode()
    await refusedAtRedirect(s, urlWith(reg.client_id, none))
  })

  it('RFC 9101 §6.2: a request object signed by a key the client did not register is refused, as is one for a client with no keys', async () => {
    const s = oidcSetup()
    const reg = await signingClient(s, await keyPair(), { skip_authorization: true })
    const { params } = await codeRequest(reg.client_id)
    const stranger = await keyPair()
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign(params, stranger, reg.client_id)))
    const keyless = await registerOidcClient(s, { skip_authorization: true })
    await refusedAtRedirect(s, urlWith(keyless.client_id, await sign(params, stranger, keyless.client_id)))
  })

  it('RFC 9101 §5: a client_id inside that differs from the outer one, and another iss or aud, are refused', async () => {
    const s = oidcSetup()
    const key = await keyPair()
    const reg = await signingClient(s, key, { skip_authorization: true })
    const { params } = await codeRequest(reg.client_id)
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign({ ...params, client_id: 'another-client' }, key, reg.client_id)))
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign({ ...params, iss: 'another-client' }, key, reg.client_id)))
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign({ ...params, aud: 'https://other.example' }, key, reg.client_id)))
    // RFC 8725 §3.11: a JWT typed as another kind (a DPoP proof) is not a request object.
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign(params, key, reg.client_id, { typ: 'dpop+jwt' })))
  })

  it('RFC 9101 §6.2: an expired request object, one without exp, and a replayed jti are refused', async () => {
    const s = oidcSetup()
    const key = await keyPair()
    const reg = await signingClient(s, key, { skip_authorization: true })
    const { params } = await codeRequest(reg.client_id)
    const now = Math.floor(Date.now() / 1000)
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign({ ...params, iat: now - 600, exp: now - 300 }, key, reg.client_id)))
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign({ ...params, exp: undefined }, key, reg.client_id)))
    const once = await sign({ ...params, jti: 'jti-1' }, key, reg.client_id)
    expect(queryParams(await get(s, urlWith(reg.client_id, once), s.users.signIn('user-1'))).has('code')).toBe(true)
    await refusedAtRedirect(s, urlWith(reg.client_id, once))
  })

  it('OIDC Core §6.1: an outer response_type that differs from the object is refused; nested request is refused (RFC 9101 §4)', async () => {
    const s = oidcSetup()
    const key = await keyPair()
    const reg = await signingClient(s, key, { skip_authorization: true })
    const { params } = await codeRequest(reg.client_id)
    const signed = await sign(params, key, reg.client_id)
    // The outer response_type's default response mode (fragment) carries the error: the object's is not trusted.
    const mismatch = urlWith(reg.client_id, signed, { response_type: 'code id_token', redirect_uri: REDIRECT_URI })
    const fragment = fragmentParams(await get(s, mismatch, s.users.signIn('user-1')))
    expect(fragment.get('error')).toBe('invalid_request_object')
    expect(fragment.has('code')).toBe(false)
    await refusedAtRedirect(s, urlWith(reg.client_id, await sign({ ...params, request: signed }, key, reg.client_id)))
  })

  it('RFC 9101 §6.2: a bad request object is shown on a page when the outer redirect_uri is missing or not registered', async () => {
    const s = oidcSetup()
    const reg = await signingClient(s, await keyPair(), { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const bad = 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCBhZG1pbiJ9.'
    await expectLocalPage(await get(s, urlWith(reg.client_id, bad, {}), cookie))
    await expectLocalPage(await get(s, urlWith(reg.client_id, bad, { redirect_uri: 'https://evil.example/cb' }), cookie))
  })

  it('OIDC Core §6.2: request_uri outside PAR is still request_uri_not_supported; with request it is invalid_request', async () => {
    const s = oidcSetup()
    const key = await keyPair()
    const reg = await signingClient(s, key, { skip_authorization: true })
    const { params } = await codeRequest(reg.client_id)
    const cookie = s.users.signIn('user-1')
    const url = new URL(`${ISSUER}/authorize/`)
    for (const [name, value] of Object.entries({ ...params, request_uri: 'https://app.example/request.jwt' }))
      url.searchParams.set(name, value)
    expect(queryParams(await get(s, url, cookie)).get('error')).toBe('request_uri_not_supported')
    const both = urlWith(reg.client_id, await sign(params, key, reg.client_id), {
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      request_uri: 'https://app.example/r',
    })
    expect(queryParams(await get(s, both, cookie)).get('error')).toBe('invalid_request')
  })

  it('RFC 9126 §3: a request object pushed to the PAR endpoint is verified, and its parameters are what the request_uri holds', async () => {
    const s = oidcSetup()
    const key = await keyPair()
    const reg = await signingClient(s, key, { skip_authorization: true })
    const auth = oauth.PrivateKeyJwt({ key: key.key, kid: key.kid })
    const { params, verifier } = await codeRequest(reg.client_id)
    const request = await oauth.issueRequestObject(as, reg.oauthClient, new URLSearchParams(params), { key: key.key, kid: key.kid })
    const pushed = await oauth.pushedAuthorizationRequest(as, reg.oauthClient, auth, new URLSearchParams({ request }), {
      [oauth.customFetch]: s.fetch,
    })
    const { request_uri } = await oauth.processPushedAuthorizationResponse(as, reg.oauthClient, pushed)
    const url = new URL(`${ISSUER}/authorize/`)
    url.searchParams.set('client_id', reg.client_id)
    url.searchParams.set('request_uri', request_uri)
    const callback = oauth.validateAuthResponse(as, reg.oauthClient, location(await get(s, url, s.users.signIn('user-1'))), params.state)
    const response = await oauth.authorizationCodeGrantRequest(as, reg.oauthClient, auth, callback, REDIRECT_URI, verifier, {
      [oauth.customFetch]: s.fetch,
    })
    expect(
      (await oauth.processAuthorizationCodeResponse(as, reg.oauthClient, response, { expectedNonce: params.nonce })).access_token,
    ).toMatch(/^gl_at_/)
    // An unsigned object pushed is refused in the PAR response itself.
    const none = new UnsecuredJWT({ ...params, iss: reg.client_id, aud: ISSUER, exp: Math.floor(Date.now() / 1000) + 60 }).encode()
    const refused = await oauth.pushedAuthorizationRequest(as, reg.oauthClient, auth, new URLSearchParams({ request: none }), {
      [oauth.customFetch]: s.fetch,
    })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'invalid_request_object' })
  })

  it('RFC 9101 §10.2: a client registered (RFC 7591) with request_object_signing_alg PS256 has an ES256 object refused', async () => {
    const s = oidcSetup({ registration: { policy: 'open' } })
    const key = await keyPair()
    const register = (body: Record<string, unknown>) =>
      s.provider.handle(
        new Request(`${ISSUER}/register/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', jwks: { keys: [key.jwk] }, ...body }),
        }),
      )
    expect(await (await register({ request_object_signing_alg: 'none' })).json()).toMatchObject({ error: 'invalid_client_metadata' })
    const registered = await register({ request_object_signing_alg: 'PS256' })
    expect(registered.status).toBe(201)
    const info = await registered.json()
    expect(info.request_object_signing_alg).toBe('PS256')
    const { params } = await codeRequest(info.client_id)
    const url = urlWith(info.client_id, await sign(params, key, info.client_id))
    const refused = queryParams(await get(s, url, s.users.signIn('user-1')))
    expect(refused.get('error')).toBe('invalid_request_object')
  })

  it('OIDC Discovery §3: both metadata documents say request objects are supported, with their algorithms, and request_uri is not', async () => {
    const documents = [
      [oidcSetup(), `${ISSUER}/.well-known/openid-configuration`],
      [setup(), 'https://as.example/.well-known/oauth-authorization-server/o'],
    ] as const
    for (const [s, url] of documents) {
      const response = await s.provider.handle(new Request(url))
      expect(await response.json()).toMatchObject({
        request_parameter_supported: true,
        request_uri_parameter_supported: false,
        request_object_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'],
      })
    }
  })
})
