import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { location } from '../e2e/support.js'
import { KEY_ENCRYPTION_KEY } from '../oidc/authorize/support.js'
import { authorizeAs, basic, form, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'

const PAR = `${ISSUER}/par/`

/** A provider under profile 'fapi2' on the real clock (assertions and DPoP proofs carry the client's time). */
async function fapi2Setup(overrides: Parameters<typeof setup>[0] = {}) {
  const s = setup({ profile: 'fapi2', oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY }, now: () => Date.now(), ...overrides })
  s.clock.set(Date.now())
  const as = await oauth.processDiscoveryResponse(
    new URL(ISSUER),
    await oauth.discoveryRequest(new URL(ISSUER), { [oauth.customFetch]: s.fetch }),
  )
  return { ...s, as }
}

type Fapi2 = Awaited<ReturnType<typeof fapi2Setup>>

/** A confidential client with an ES256 key pair, its public key registered as `jwks` (RFC 7591 §2). */
async function registerKeyClient(s: Fapi2) {
  const keys = await generateKeyPair('ES256', { extractable: true })
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
  const { client } = await s.provider.clients.create({
    client_name: 'Bank app',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [jwk] },
    redirect_uris: [REDIRECT_URI],
  })
  return {
    keys,
    client: { client_id: client.client_id } as oauth.Client,
    auth: oauth.PrivateKeyJwt({ key: keys.privateKey, kid: 'k1' }),
  }
}

const fetchVia = (s: Fapi2) => ({ [oauth.customFetch]: s.fetch })

/** A client assertion signed by hand (RFC 7523 §3), for what oauth4webapi never sends. */
async function assertion(key: CryptoKey, clientId: string, aud: string | string[], alg = 'ES256') {
  return new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg, kid: 'k1' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key)
}

async function pushed(s: Fapi2, reg: Awaited<ReturnType<typeof registerKeyClient>>, DPoP: oauth.DPoPHandle) {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const response = await oauth.pushedAuthorizationRequest(
    s.as,
    reg.client,
    reg.auth,
    {
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid read',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    },
    { ...fetchVia(s), DPoP },
  )
  const { request_uri } = await oauth.processPushedAuthorizationResponse(s.as, reg.client, response)
  const url = new URL(s.as.authorization_endpoint!)
  url.searchParams.set('client_id', reg.client.client_id)
  url.searchParams.set('request_uri', request_uri)
  return { url, verifier, state, nonce }
}

describe("profile 'fapi2': the FAPI 2.0 Security Profile end to end with oauth4webapi", () => {
  it('FAPI 2.0 §5.3.2: PAR with private_key_jwt and DPoP, PKCE S256, iss in the response, a DPoP-bound token and ID Token (ES256)', async () => {
    const s = await fapi2Setup()
    // §5.3.2.1: discovery says what the profile allows, and only that.
    expect(s.as.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt'])
    expect(s.as.require_pushed_authorization_requests).toBe(true)
    expect(s.as.code_challenge_methods_supported).toEqual(['S256'])
    expect(s.as.response_types_supported).toEqual(['code'])
    expect(s.as.grant_types_supported).not.toContain('password')
    expect(s.as.id_token_signing_alg_values_supported).toEqual(['ES256'])
    expect(s.as.dpop_signing_alg_values_supported).not.toContain('RS256')

    const reg = await registerKeyClient(s)
    const DPoP = oauth.DPoP(reg.client, await generateKeyPair('ES256', { extractable: true }))
    const started = await pushed(s, reg, DPoP)
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    // RFC 9207 (§5.3.2.2): oauth4webapi requires iss, since discovery says it is sent.
    const params = oauth.validateAuthResponse(s.as, reg.client, landed, started.state)
    const redeem = () =>
      oauth.authorizationCodeGrantRequest(s.as, reg.client, reg.auth, params, REDIRECT_URI, started.verifier, { ...fetchVia(s), DPoP })
    let response = await redeem()
    // A server nonce is not required by default; retry once if it asks (RFC 9449 §8).
    if (
      response.status === 400 &&
      oauth.isDPoPNonceError(
        await response
          .clone()
          .json()
          .catch(() => null),
      )
    )
      response = await redeem()
    const tokens = await oauth.processAuthorizationCodeResponse(s.as, reg.client, response, {
      expectedNonce: started.nonce,
      requireIdToken: true,
    })
    expect(tokens.token_type).toBe('dpop')
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('user-1')

    // §5.3.2.1: refresh tokens are not rotated under the profile; the refresh is DPoP-bound too.
    const refreshed = await oauth.processRefreshTokenResponse(
      s.as,
      reg.client,
      await oauth.refreshTokenGrantRequest(s.as, reg.client, reg.auth, tokens.refresh_token!, { ...fetchVia(s), DPoP }),
    )
    expect(refreshed.token_type).toBe('dpop')
    expect(refreshed.refresh_token).toBeUndefined()
  })

  it('FAPI 2.0 §5.3.2.2: a plain authorization request is refused; PAR is required', async () => {
    const s = await fapi2Setup()
    const reg = await registerKeyClient(s)
    const url = new URL(s.as.authorization_endpoint!)
    for (const [name, value] of Object.entries({
      client_id: reg.client.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state: 's',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(name, value)
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), url))
    expect(landed.searchParams.get('error')).toBe('invalid_request')
  })

  it('FAPI 2.0 §5.3.2.2: a pushed request without redirect_uri is invalid_request', async () => {
    const s = await fapi2Setup()
    const reg = await registerKeyClient(s)
    const response = await oauth.pushedAuthorizationRequest(
      s.as,
      reg.client,
      reg.auth,
      {
        response_type: 'code',
        code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
        code_challenge_method: 'S256',
      },
      fetchVia(s),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('redirect_uri') })
  })

  it('FAPI 2.0 §5.3.2.1: a client secret or no authentication (a public client) is refused at the PAR endpoint', async () => {
    const s = await fapi2Setup()
    // A secret client registered before the profile was turned on, on the same storage.
    const { client, client_secret } = await setup({}, s.storage).provider.clients.create({
      client_name: 'Secret app',
      redirect_uris: [REDIRECT_URI],
    })
    const body = {
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }
    const init = form(body)
    const withSecret = await s.provider.handle(
      new Request(PAR, { ...init, headers: { ...init.headers, authorization: basic(client.client_id, client_secret!) } }),
    )
    expect(withSecret.status).toBe(400)
    expect(await withSecret.json()).toMatchObject({ error: 'invalid_client' })
    const unauthenticated = await s.provider.handle(new Request(PAR, form({ ...body, client_id: client.client_id })))
    expect(await unauthenticated.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('FAPI 2.0 §5.3.2.1: a client assertion whose aud is not the issuer as a string is invalid_client', async () => {
    const s = await fapi2Setup()
    const reg = await registerKeyClient(s)
    const body = {
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }
    const push = async (aud: string | string[]) =>
      s.provider.handle(
        new Request(
          PAR,
          form({
            ...body,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: await assertion(reg.keys.privateKey, reg.client.client_id, aud),
          }),
        ),
      )
    // 400, not 401: a 401 needs a challenge, and no Basic is offered under the profile (RFC 6749 §5.2).
    for (const aud of [PAR, [ISSUER], `${ISSUER}/token/`]) {
      const refused = await push(aud)
      expect(refused.status).toBe(400)
      expect(await refused.json()).toMatchObject({ error: 'invalid_client' })
    }
    expect((await push(ISSUER)).status).toBe(201)
  })

  it('FAPI 2.0 §5.3.2.1: a token request without a DPoP proof is refused (sender-constrained tokens only)', async () => {
    const s = await fapi2Setup()
    const reg = await registerKeyClient(s)
    const DPoP = oauth.DPoP(reg.client, await generateKeyPair('ES256', { extractable: true }))
    const started = await pushed(s, reg, DPoP)
    const params = oauth.validateAuthResponse(
      s.as,
      reg.client,
      location(await authorizeAs(s, s.users.signIn('user-1'), started.url)),
      started.state,
    )
    const response = await oauth.authorizationCodeGrantRequest(
      s.as,
      reg.client,
      reg.auth,
      params,
      REDIRECT_URI,
      started.verifier,
      fetchVia(s),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' })
  })

  it('RFC 8414 §2: discovery lists the assertion algorithms of private_key_jwt, the only method, for each endpoint (FAPI 2.0 §5.4.1)', async () => {
    const s = await fapi2Setup()
    expect(s.as.token_endpoint_auth_methods_supported).toStrictEqual(['private_key_jwt'])
    for (const endpoint of ['token', 'revocation', 'introspection']) {
      expect(s.as[`${endpoint}_endpoint_auth_signing_alg_values_supported`], endpoint).toStrictEqual(['ES256', 'PS256', 'EdDSA'])
    }
  })

  it('FAPI 2.0 §5.3.2.1: dynamic registration refuses any method but private_key_jwt', async () => {
    const s = await fapi2Setup({ registration: { policy: 'open', rateLimit: false } })
    const response = await s.fetch(`${ISSUER}/register/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'client_secret_basic' }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' })
  })

  it('FAPI 2.0 §5.3.2.1: provider.clients (and so the CLI) refuses a client that would authenticate with a secret', async () => {
    const s = await fapi2Setup()
    await expect(s.provider.clients.create({ client_name: 'Secret app', redirect_uris: [REDIRECT_URI] })).rejects.toMatchObject({
      code: 'ERR_INVALID_CLIENT',
      message: expect.stringContaining('client_secret_basic'),
    })
    await expect(
      s.provider.clients.create({ client_name: 'Public app', client_type: 'public', redirect_uris: [REDIRECT_URI] }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_CLIENT' })
  })

  it('FAPI 2.0 §5.4.1: a client assertion signed with RS256 is invalid_client; the same RSA key with PS256 passes', async () => {
    const s = await fapi2Setup()
    const keys = await generateKeyPair('RS256', { extractable: true })
    // One RSA key, imported once per algorithm (Web Crypto ties a key to its algorithm).
    const privateJwk = await exportJWK(keys.privateKey)
    const signer = async (alg: string) => (await importJWK(privateJwk, alg)) as CryptoKey
    const { client } = await s.provider.clients.create({
      client_name: 'RSA app',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1' }] },
      redirect_uris: [REDIRECT_URI],
    })
    const push = async (alg: string) =>
      s.provider.handle(
        new Request(
          PAR,
          form({
            response_type: 'code',
            redirect_uri: REDIRECT_URI,
            code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
            code_challenge_method: 'S256',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: await assertion(await signer(alg), client.client_id, ISSUER, alg),
          }),
        ),
      )
    const rs256 = await push('RS256')
    expect(rs256.status).toBe(400)
    expect(await rs256.json()).toMatchObject({
      error: 'invalid_client',
    })
    expect((await push('PS256')).status).toBe(201)
    // RFC 9101 §6.2 under FAPI 2.0 §5.4.1: an RS256 request object is refused, and the answer names only the profile's algorithms.
    const request = await new SignJWT({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(client.client_id)
      .setAudience(ISSUER)
      .setExpirationTime('60s')
      .sign(await signer('RS256'))
    const body = { request, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }
    const assertionPs256 = await assertion(await signer('PS256'), client.client_id, ISSUER, 'PS256')
    const refused = await s.provider.handle(new Request(PAR, form({ ...body, client_assertion: assertionPs256 })))
    expect(refused.status).toBe(400)
    expect(await refused.json()).toStrictEqual({
      error: 'invalid_request_object',
      error_description: 'request object: the JWT algorithm is not allowed; use one of ES256, PS256, EdDSA',
    })
  })

  it('RFC 9126 §3, RFC 9101: a signed request object pushed under the profile counts, its redirect_uri inside it; DPoP at PAR still binds the code', async () => {
    const s = await fapi2Setup()
    const reg = await registerKeyClient(s)
    const dpopKeys = await generateKeyPair('ES256', { extractable: true })
    const DPoP = () => oauth.DPoP(reg.client, dpopKeys)
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const request = await oauth.issueRequestObject(
      s.as,
      reg.client,
      {
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'read',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      { key: reg.keys.privateKey, kid: 'k1' },
    )
    const response = await oauth.pushedAuthorizationRequest(s.as, reg.client, reg.auth, { request }, { ...fetchVia(s), DPoP: DPoP() })
    const { request_uri } = await oauth.processPushedAuthorizationResponse(s.as, reg.client, response)
    const url = new URL(s.as.authorization_endpoint!)
    url.searchParams.set('client_id', reg.client.client_id)
    url.searchParams.set('request_uri', request_uri)
    const params = oauth.validateAuthResponse(s.as, reg.client, location(await authorizeAs(s, s.users.signIn('user-1'), url)), state)
    const other = oauth.DPoP(reg.client, await generateKeyPair('ES256', { extractable: true }))
    const stolen = await oauth.authorizationCodeGrantRequest(s.as, reg.client, reg.auth, params, REDIRECT_URI, verifier, {
      ...fetchVia(s),
      DPoP: other,
    })
    await expect(oauth.processAuthorizationCodeResponse(s.as, reg.client, stolen)).rejects.toMatchObject({ error: 'invalid_grant' })
  })
})
