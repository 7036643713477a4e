import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { consentFields, form, ISSUER, REDIRECT_URI, setupWorker } from './worker-support.js'

describe('pushed authorization requests (RFC 9126) inside workerd, on D1 with the KV cache', () => {
  it('RFC 9126 §2, §4: oauth4webapi pushes, the user consents by request_uri, the code is redeemed; the request_uri is then spent (§7.3)', async () => {
    const s = await setupWorker({ par: { required: true } })
    await s.cron()
    const as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...s.via, algorithm: 'oidc' }),
    )
    expect(as.pushed_authorization_request_endpoint).toBe(`${ISSUER}/par/`)
    expect(as.require_pushed_authorization_requests).toBe(true)
    const { client: registered, client_secret } = await s.admin.clients.create({ client_name: 'App', redirect_uris: [REDIRECT_URI] })
    const client: oauth.Client = { client_id: registered.client_id }
    const auth = oauth.ClientSecretBasic(client_secret ?? '')

    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const pushedResponse = await oauth.pushedAuthorizationRequest(
      as,
      client,
      auth,
      {
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid read',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      s.via,
    )
    expect(pushedResponse.status).toBe(201)
    const pushed = await oauth.processPushedAuthorizationResponse(as, client, pushedResponse)
    expect(pushed.expires_in).toBe(60)

    const url = new URL(as.authorization_endpoint ?? '')
    url.searchParams.set('client_id', client.client_id)
    url.searchParams.set('request_uri', pushed.request_uri)
    const cookie = s.users.signIn('user-1')
    const page = await s.call(url, { headers: { cookie } })
    expect(page.status).toBe(200)
    const approval = await s.call(`${ISSUER}/authorize/`, form({ ...consentFields(await page.text()), allow: 'Authorize' }, { cookie }))
    const params = oauth.validateAuthResponse(as, client, new URL(approval.headers.get('location') ?? ''), state)
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, s.via),
      { requireIdToken: true },
    )
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('user-1')
    expect(tokens.scope).toBe('openid read')

    const again = await s.call(url, { headers: { cookie } })
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('invalid_request_uri')
  })

  it('RFC 9126 §5: with par.required, a plain authorization request is refused back to the client', async () => {
    const s = await setupWorker({ par: { required: true } })
    const { client } = await s.admin.clients.create({ client_name: 'App', redirect_uris: [REDIRECT_URI] })
    const url = new URL(`${ISSUER}/authorize/`)
    for (const [name, value] of Object.entries({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state: 's',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }))
      url.searchParams.set(name, value)
    const refused = await s.call(url, { headers: { cookie: s.users.signIn('user-1') } })
    expect(refused.status).toBe(302)
    expect(new URL(refused.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request')
  })
})

describe("profile 'fapi2' inside workerd, on D1 with the KV cache", () => {
  it('FAPI 2.0 §5.3.2: oauth4webapi pushes with private_key_jwt and DPoP, the code is redeemed for a DPoP-bound token and an ES256 ID Token', async () => {
    const s = await setupWorker({ profile: 'fapi2' })
    await s.cron()
    const as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...s.via, algorithm: 'oidc' }),
    )
    expect(as.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt'])
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
    const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', keys.publicKey)) as JsonWebKey
    const jwk = { kty, crv, x, y, kid: 'k1' }
    const { client: registered } = await s.admin.clients.create({
      client_name: 'Bank app',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk as Record<string, unknown>] },
      redirect_uris: [REDIRECT_URI],
    })
    const client: oauth.Client = { client_id: registered.client_id }
    const auth = oauth.PrivateKeyJwt({ key: keys.privateKey, kid: 'k1' })
    const DPoP = oauth.DPoP(
      client,
      (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair,
    )

    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(
        as,
        client,
        auth,
        {
          response_type: 'code',
          redirect_uri: REDIRECT_URI,
          scope: 'openid read',
          state,
          nonce,
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        },
        { ...s.via, DPoP },
      ),
    )
    const url = new URL(as.authorization_endpoint ?? '')
    url.searchParams.set('client_id', client.client_id)
    url.searchParams.set('request_uri', pushed.request_uri)
    const cookie = s.users.signIn('user-1')
    const page = await s.call(url, { headers: { cookie } })
    expect(page.status).toBe(200)
    const approval = await s.call(`${ISSUER}/authorize/`, form({ ...consentFields(await page.text()), allow: 'Authorize' }, { cookie }))
    const params = oauth.validateAuthResponse(as, client, new URL(approval.headers.get('location') ?? ''), state)
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, { ...s.via, DPoP }),
      { expectedNonce: nonce, requireIdToken: true },
    )
    expect(tokens.token_type).toBe('dpop')
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('user-1')
  })
})
