import { decodeProtectedHeader } from 'jose'
import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import {
  ALICE_CLAIMS,
  authorize,
  Browser,
  codeFlow,
  fragment,
  ISSUER,
  JWKS_URI,
  KEY_ENCRYPTION_KEY,
  opSetup,
  REDIRECT_URI,
  registerClient,
  relyingParty,
  requestSecrets,
  SIGNED_OUT,
  verifyThroughJwks,
} from './support.js'

describe('OIDC Core §3.1: authorization code flow with openid-client', () => {
  it('OIDC Core §3.1: sign-in, consent, then the code with PKCE and nonce gives an ID Token the client verifies through the JWKS', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg)
    const browser = new Browser(op)
    const signedInAt = op.clock.now() / 1000
    const { tokens, nonce, state, callback } = await codeFlow(config, browser, { scope: 'openid profile email' })

    // §3.1.2.5: the code comes back in the query with state, and iss (RFC 9207).
    expect(callback).toBeInstanceOf(URL)
    const query = (callback as URL).searchParams
    expect([...query.keys()].sort()).toEqual(['code', 'iss', 'state'])
    expect(query.get('state')).toBe(state)
    expect(query.get('iss')).toBe(ISSUER)

    // §3.1.3.3: the token response, and an ID Token whose claims openid-client validated (§3.1.3.7).
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid profile email' })
    expect(tokens.access_token).toMatch(/^gl_at_/)
    expect(tokens.refresh_token).toMatch(/^gl_rt_/)
    const claims = tokens.claims()!
    expect(claims).toMatchObject({ iss: ISSUER, aud: reg.client_id, sub: op.alice.sub, nonce, auth_time: signedInAt })
    expect(claims.exp - claims.iat).toBe(3600)
    expect(claims.at_hash).toEqual(expect.any(String))
    // The profile and email claims the scopes release (§5.4); never one that no scope covers.
    expect(claims).toMatchObject({ name: ALICE_CLAIMS.name, email: ALICE_CLAIMS.email, email_verified: true })
    expect(claims).not.toHaveProperty('groups')
    expect(claims).not.toHaveProperty('phone_number')

    // The client checked the signature with the key it fetched from jwks_uri; jose agrees.
    expect(op.requests).toContainEqual({ method: 'GET', url: JWKS_URI, status: 200 })
    const verified = await verifyThroughJwks(op, tokens.id_token!, reg.client_id, ['RS256'])
    expect(verified.alg).toBe('RS256')
    expect(verified.payload.sub).toBe(op.alice.sub)
  })

  it('OIDC Core §3.1.2.1, §3.1.3.7: max_age with a stale session: the browser signs in again, and auth_time passes the client check', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const browser = new Browser(op)
    await codeFlow(await relyingParty(op, reg), browser)
    op.clock.advance(600)
    const config = await relyingParty(op, reg)
    const { state, nonce, verifier, challenge } = await requestSecrets()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state,
      nonce,
      max_age: '300',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    // The provider sends the signed-in user to the login page again, marked with gl_login_at.
    const first = await browser.open(url)
    expect(first.page?.html).toMatch(/name="username"/)
    expect(decodeURIComponent(first.page!.url.search)).toMatch(/gl_login_at=\d+/)
    const tokens = await client.authorizationCodeGrant(config, await authorize(browser, url), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      maxAge: 300,
    })
    expect(tokens.claims()!.auth_time).toBe(op.clock.now() / 1000)
  })
})

describe('OIDC Core §5.3: userinfo with openid-client', () => {
  it('OIDC Core §5.3, §5.4: fetchUserInfo answers sub and only the claims the granted scopes release', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg)
    const browser = new Browser(op)

    const email = await codeFlow(config, browser, { scope: 'openid email' })
    const sub = email.tokens.claims()!.sub
    expect(await client.fetchUserInfo(config, email.tokens.access_token, sub)).toEqual({
      sub,
      email: ALICE_CLAIMS.email,
      email_verified: true,
    })

    // Wider scopes need a new consent; their token gets those claims and still not email's.
    const wider = await codeFlow(config, browser, { scope: 'openid profile address phone' })
    const { name, given_name, family_name, address, phone_number } = ALICE_CLAIMS
    expect(await client.fetchUserInfo(config, wider.tokens.access_token, sub)).toEqual({
      sub,
      name,
      given_name,
      family_name,
      address,
      phone_number,
    })
  })

  it('OIDC Core §5.3.2: a client registered for signed userinfo gets a JWT it verifies (signature, iss, aud)', async () => {
    const op = await opSetup({ alg: 'ES256' })
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg, { metadata: { userinfo_signed_response_alg: 'ES256' } })
    const { tokens } = await codeFlow(config, new Browser(op), { scope: 'openid email' })
    const sub = tokens.claims()!.sub
    const claims = await client.fetchUserInfo(config, tokens.access_token, sub)
    expect(claims).toMatchObject({ sub, iss: ISSUER, aud: reg.client_id, email: ALICE_CLAIMS.email })
  })
})

describe('OIDC Core §12.2: refresh with openid-client', () => {
  it('OIDC Core §12.2: refreshTokenGrant returns a new ID Token with the same iss, sub, aud and auth_time, a new iat and no nonce', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const { tokens } = await codeFlow(await relyingParty(op, reg), new Browser(op), { scope: 'openid profile' })
    const original = tokens.claims()!

    op.clock.advance(20 * 60)
    const later = await relyingParty(op, reg)
    const refreshed = await client.refreshTokenGrant(later, tokens.refresh_token!)
    const claims = refreshed.claims()!
    expect(claims).toMatchObject({ iss: original.iss, sub: original.sub, aud: original.aud, auth_time: original.auth_time })
    expect(claims.iat).toBe(original.iat + 20 * 60)
    expect(claims).not.toHaveProperty('nonce')
    expect(refreshed.access_token).not.toBe(tokens.access_token)
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    // The refreshed access token still reaches userinfo for the same user.
    expect(await client.fetchUserInfo(later, refreshed.access_token, original.sub)).toMatchObject({
      sub: original.sub,
      name: ALICE_CLAIMS.name,
    })
  })
})

describe('OIDC Core §3.3 and §3.2: hybrid and implicit flows with openid-client', () => {
  it('OIDC Core §3.3: "code id_token": the front-channel ID Token (c_hash, nonce) in the fragment, then the code with PKCE', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg, { execute: [client.useCodeIdTokenResponseType] })
    const { state, nonce, verifier, challenge } = await requestSecrets()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    expect(url.searchParams.get('response_type')).toBe('code id_token')
    const callback = await authorize(new Browser(op), url)
    // §3.3.2.5: fragment by default, since the response carries an ID Token.
    const params = fragment(callback)
    expect([...params.keys()].sort()).toEqual(['code', 'id_token', 'iss', 'state'])
    const frontChannel = decodeProtectedHeader(params.get('id_token')!)

    // openid-client verifies the front-channel ID Token (signature, c_hash, nonce) before redeeming the code.
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
    })
    expect(tokens.claims()).toMatchObject({ sub: op.alice.sub, nonce, email: ALICE_CLAIMS.email })
    expect(decodeProtectedHeader(tokens.id_token!).kid).toBe(frontChannel.kid)
    expect(tokens.access_token).toMatch(/^gl_at_/)
  })

  it('OIDC Core §3.2: "id_token": an ID Token alone in the fragment, verified by implicitAuthentication, with the scope claims', async () => {
    const op = await opSetup()
    const reg = await registerClient(op, { client_type: 'public', grant_types: ['implicit'], response_types: ['id_token'] })
    expect(reg.client_secret).toBeUndefined()
    const config = await relyingParty(op, reg, { execute: [client.useIdTokenResponseType] })
    const { state, nonce } = await requestSecrets()
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid profile', state, nonce })
    expect(url.searchParams.get('response_type')).toBe('id_token')
    const callback = await authorize(new Browser(op), url)
    const params = fragment(callback)
    expect([...params.keys()].sort()).toEqual(['id_token', 'iss', 'state'])

    const claims = await client.implicitAuthentication(config, callback as URL, nonce, { expectedState: state })
    // §5.4: with no access token, the scope claims come in the ID Token; no at_hash or c_hash.
    expect(claims).toMatchObject({ iss: ISSUER, aud: reg.client_id, sub: op.alice.sub, nonce, name: ALICE_CLAIMS.name })
    expect(claims).not.toHaveProperty('at_hash')
    expect(claims).not.toHaveProperty('c_hash')
  })
})

describe('OAuth 2.0 Form Post Response Mode with openid-client', () => {
  it.each(['code', 'code id_token'])(
    'Form Post Response Mode §2: "%s" by form_post: the page’s hidden inputs, posted to the callback, complete the flow',
    async (responseType) => {
      const op = await opSetup()
      const reg = await registerClient(op)
      const execute = responseType === 'code' ? [] : [client.useCodeIdTokenResponseType]
      const config = await relyingParty(op, reg, { execute })
      const { state, nonce, verifier, challenge } = await requestSecrets()
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        response_mode: 'form_post',
        scope: 'openid',
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
      const callback = await authorize(new Browser(op), url)
      expect(callback).toBeInstanceOf(Request)
      const posted = callback as Request
      expect(posted.url).toBe(REDIRECT_URI)
      const fields = new URLSearchParams(await posted.clone().text())
      expect([...fields.keys()].sort()).toEqual(responseType === 'code' ? ['code', 'iss', 'state'] : ['code', 'id_token', 'iss', 'state'])

      const tokens = await client.authorizationCodeGrant(config, posted, {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
      })
      expect(tokens.claims()).toMatchObject({ sub: op.alice.sub, nonce })
    },
  )
})

describe('OpenID Connect RP-Initiated Logout 1.0 with openid-client', () => {
  it('RP-Initiated Logout §2-§3: buildEndSessionUrl, the user confirms, the session ends, the browser returns with state', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg)
    const browser = new Browser(op)
    const { tokens } = await codeFlow(config, browser)
    expect(browser.signedIn).toBe(true)

    const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: SIGNED_OUT, state: 'bye-1' })
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/logout/`)
    expect(url.searchParams.get('client_id')).toBe(reg.client_id)

    // §2: the signed-in user is asked first; nothing ends on a GET.
    const confirm = await browser.open(url)
    expect(confirm.page?.status).toBe(200)
    expect(confirm.page?.html).toContain('Relying party')
    expect(browser.signedIn).toBe(true)
    const done = await browser.submit(confirm.page!, { logout: 'Sign out' })
    expect(done.left?.href).toBe(`${SIGNED_OUT}?state=bye-1`)
    expect(browser.signedIn).toBe(false)

    // The session is gone: a silent request now answers login_required (OIDC Core §3.1.2.6).
    const { state, nonce, verifier, challenge } = await requestSecrets()
    const silent = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      prompt: 'none',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const callback = await authorize(browser, silent)
    const refused = await client
      .authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state })
      .catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(client.AuthorizationResponseError)
    expect((refused as client.AuthorizationResponseError).error).toBe('login_required')
  })

  it('RP-Initiated Logout §2 with revokeOnLogout: the confirmed logout also ends the client’s tokens', async () => {
    const op = await opSetup({ config: { oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, revokeOnLogout: true } } })
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg)
    const browser = new Browser(op)
    const { tokens } = await codeFlow(config, browser)
    const confirm = await browser.open(
      client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: SIGNED_OUT }),
    )
    expect((await browser.submit(confirm.page!, { logout: 'Sign out' })).left?.href).toBe(SIGNED_OUT)
    const refused = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(client.WWWAuthenticateChallengeError)
    const refresh = await client.refreshTokenGrant(config, tokens.refresh_token!).catch((error: unknown) => error)
    expect(refresh).toMatchObject({ error: 'invalid_grant' })
  })
})
