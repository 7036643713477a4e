import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import {
  ALICE_CLAIMS,
  authorize,
  Browser,
  ISSUER,
  JWKS_URI,
  type Op,
  opSetup,
  REDIRECT_URI,
  type Registration,
  registerClient,
} from './support.js'

/** oauth4webapi's view of the provider: discovered from the issuer (OIDC Discovery §4), requests routed in process. */
async function relyingParty(op: Op, reg: Registration) {
  const options = { [oauth.customFetch]: op.fetch }
  const issuer = new URL(ISSUER)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options }))
  const client: oauth.Client = { client_id: reg.client_id, [oauth.clockSkew]: Math.round((op.clock.now() - Date.now()) / 1000) }
  return { as, client, auth: oauth.ClientSecretBasic(reg.client_secret!), options }
}

type Rp = Awaited<ReturnType<typeof relyingParty>>

/** An authentication request (OIDC Core §3.1.2.1) with S256 PKCE, state and nonce. */
async function authenticationRequest(rp: Rp, params: Record<string, string> = {}) {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const url = new URL(rp.as.authorization_endpoint!)
  const all = {
    client_id: rp.client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid email',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...params,
  }
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value)
  return { url, verifier, state, nonce }
}

/** The code flow through the token response, with every check oauth4webapi offers for it. */
async function codeFlow(op: Op, rp: Rp) {
  const { url, verifier, state, nonce } = await authenticationRequest(rp)
  const callback = (await authorize(new Browser(op), url)) as URL
  const params = oauth.validateAuthResponse(rp.as, rp.client, callback, state)
  const response = await oauth.authorizationCodeGrantRequest(rp.as, rp.client, rp.auth, params, REDIRECT_URI, verifier, rp.options)
  const tokens = await oauth.processAuthorizationCodeResponse(rp.as, rp.client, response, { expectedNonce: nonce, requireIdToken: true })
  return { tokens, response, nonce }
}

describe('OpenID Connect with oauth4webapi’s OIDC helpers', () => {
  it('OIDC Core §3.1.3.5-§3.1.3.7: processAuthorizationCodeResponse with expectedNonce, getValidatedIdTokenClaims, and the signature through the JWKS', async () => {
    const op = await opSetup({ alg: 'ES256' })
    const reg = await registerClient(op)
    const rp = await relyingParty(op, reg)
    expect(rp.as.jwks_uri).toBe(JWKS_URI)
    const { tokens, response, nonce } = await codeFlow(op, rp)

    const claims = oauth.getValidatedIdTokenClaims(tokens)!
    expect(claims).toMatchObject({ iss: ISSUER, aud: reg.client_id, sub: op.alice.sub, nonce, email: ALICE_CLAIMS.email })
    expect(claims.auth_time).toBe(op.clock.now() / 1000)
    // Non-repudiation: the ID Token's signature against the key set at jwks_uri.
    await expect(oauth.validateApplicationLevelSignature(rp.as, response, rp.options)).resolves.toBeUndefined()
  })

  it('OIDC Core §3.1.3.7 step 11: the ID Token carries exactly the request’s nonce, so another expected nonce is refused', async () => {
    const op = await opSetup()
    const rp = await relyingParty(op, await registerClient(op))
    const { url, verifier, state } = await authenticationRequest(rp)
    const params = oauth.validateAuthResponse(rp.as, rp.client, (await authorize(new Browser(op), url)) as URL, state)
    const response = await oauth.authorizationCodeGrantRequest(rp.as, rp.client, rp.auth, params, REDIRECT_URI, verifier, rp.options)
    const refused = await oauth
      .processAuthorizationCodeResponse(rp.as, rp.client, response, { expectedNonce: oauth.generateRandomNonce() })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: oauth.JWT_CLAIM_COMPARISON, cause: { claim: 'nonce' } })
  })

  it('OIDC Core §5.3.2: userInfoRequest + processUserInfoResponse with the ID Token’s sub; the email scope releases email only', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const rp = await relyingParty(op, reg)
    const { tokens } = await codeFlow(op, rp)
    const sub = oauth.getValidatedIdTokenClaims(tokens)!.sub
    const response = await oauth.userInfoRequest(rp.as, rp.client, tokens.access_token, rp.options)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await oauth.processUserInfoResponse(rp.as, rp.client, sub, response)).toEqual({
      sub,
      email: ALICE_CLAIMS.email,
      email_verified: true,
    })
  })

  it('OIDC Core §5.3.2: with userinfo_signed_response_alg the answer is a JWT; oauth4webapi checks iss, aud and the signature', async () => {
    const op = await opSetup({ alg: 'EdDSA' })
    const reg = await registerClient(op)
    const rp = await relyingParty(op, reg)
    const { tokens } = await codeFlow(op, rp)
    const sub = oauth.getValidatedIdTokenClaims(tokens)!.sub
    const signed: oauth.Client = { ...rp.client, userinfo_signed_response_alg: 'EdDSA' }
    const response = await oauth.userInfoRequest(rp.as, signed, tokens.access_token, rp.options)
    expect(response.headers.get('content-type')).toBe('application/jwt')
    const claims = await oauth.processUserInfoResponse(rp.as, signed, sub, response)
    expect(claims).toMatchObject({ sub, iss: ISSUER, aud: reg.client_id, email: ALICE_CLAIMS.email })
    await expect(oauth.validateApplicationLevelSignature(rp.as, response, rp.options)).resolves.toBeUndefined()
  })

  it('OIDC Core §3.3.2.12: validateCodeIdTokenResponse checks the hybrid response (signature, c_hash, nonce) before the code is redeemed', async () => {
    const op = await opSetup({ alg: 'RS256' })
    const reg = await registerClient(op)
    const rp = await relyingParty(op, reg)
    const { url, verifier, state, nonce } = await authenticationRequest(rp, { response_type: 'code id_token' })
    const callback = (await authorize(new Browser(op), url)) as URL
    const params = await oauth.validateCodeIdTokenResponse(rp.as, rp.client, callback, nonce, state, undefined, rp.options)
    const response = await oauth.authorizationCodeGrantRequest(rp.as, rp.client, rp.auth, params, REDIRECT_URI, verifier, rp.options)
    const tokens = await oauth.processAuthorizationCodeResponse(rp.as, rp.client, response, { expectedNonce: nonce, requireIdToken: true })
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: op.alice.sub, nonce })
  })

  it('OIDC Core §12.2: processRefreshTokenResponse accepts the refreshed ID Token; same sub and auth_time as the first', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const rp = await relyingParty(op, reg)
    const { tokens } = await codeFlow(op, rp)
    const first = oauth.getValidatedIdTokenClaims(tokens)!
    const response = await oauth.refreshTokenGrantRequest(rp.as, rp.client, rp.auth, tokens.refresh_token!, rp.options)
    const refreshed = await oauth.processRefreshTokenResponse(rp.as, rp.client, response)
    const claims = oauth.getValidatedIdTokenClaims(refreshed)!
    expect(claims).toMatchObject({ sub: first.sub, auth_time: first.auth_time, aud: first.aud })
    expect(claims.nonce).toBeUndefined()
    await expect(oauth.validateApplicationLevelSignature(rp.as, response, rp.options)).resolves.toBeUndefined()
  })
})
