import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import {
  authorizeUrl,
  browse,
  formPostRequest,
  fragmentParams,
  get,
  isConsentPage,
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

const CLAIMS = { id_token: { email: { essential: true }, acr: { values: ['urn:a'] } }, userinfo: { name: null } }

describe('OIDC Core §5.5 the claims request parameter', () => {
  it.each([
    ['not JSON', '{id_token:'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"email"'],
    ['id_token not an object', '{"id_token":["email"]}'],
  ])('OIDC Core §5.5: a claims parameter that is %s is invalid_request', async (_, claims) => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { challenge } = await pkce()
    const url = authorizeUrl({
      client_id: reg.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      claims,
    })
    const params = queryParams(await get(s, url, s.users.signIn('user-1')))
    expect(params.get('error')).toBe('invalid_request')
    expect(params.get('error_description')).toMatch(/claims/)
    expect(params.get('state')).toBe('st')
  })

  it('OIDC Core §5.5: a well-formed claims request reaches accounts.claims for the implicit ID Token', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const nonce = randomNonce()
    const url = authorizeUrl({
      client_id: reg.client_id,
      response_type: 'id_token',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state: 'st',
      nonce,
      claims: JSON.stringify(CLAIMS),
    })
    const params = fragmentParams(await get(s, url, s.users.signIn('user-1')))
    expect(s.claimsRequests).toEqual([CLAIMS])
    expect(await verifyIdToken(s, params.get('id_token')!, reg.client_id)).toMatchObject({ requested_claims: CLAIMS, nonce })
  })

  it('OIDC Core §5.5, §3.1.2.1: nonce, claims, max_age, ui_locales and the response mode survive the consent round trip', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const state = randomState()
    const nonce = randomNonce()
    const { verifier, challenge } = await pkce()
    const url = authorizeUrl({
      client_id: reg.client_id,
      response_type: 'code id_token',
      response_mode: 'form_post',
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      claims: JSON.stringify(CLAIMS),
      max_age: '3600',
      ui_locales: 'nl',
      prompt: 'consent',
    })
    const cookie = s.users.signIn('user-1')
    const consent = await (await get(s, url, cookie)).text()
    expect(isConsentPage(consent)).toBe(true)
    expect(consent).toMatch(/<html lang="nl">/)

    const page = await readFormPost(await browse(s, url, cookie))
    expect(page.fields.state).toBe(state)
    expect(await verifyIdToken(s, page.fields.id_token!, reg.client_id)).toMatchObject({
      nonce,
      requested_claims: CLAIMS,
      auth_time: expect.any(Number),
    })

    // The code's family keeps the claims request: the token endpoint's ID Token carries it too.
    const config = await relyingParty(s, reg, [client.useCodeIdTokenResponseType])
    const tokens = await client.authorizationCodeGrant(config, formPostRequest(page), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
      maxAge: 3600,
    })
    expect(tokens.claims()).toMatchObject({ nonce, requested_claims: CLAIMS })
  })
})
