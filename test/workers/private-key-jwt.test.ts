import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { consentFields, form, ISSUER, REDIRECT_URI, setupWorker } from './worker-support.js'

const JWKS_URI = 'https://client.example/jwks.json'

/** An ES256 key pair from Web Crypto, with its public JWK. */
async function clientKey(kid: string) {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', keys.publicKey)) as JsonWebKey
  return { privateKey: keys.privateKey, kid, jwk: { kty, crv, x, y, kid } as Record<string, unknown> }
}

describe('private_key_jwt (RFC 7523) and request objects (RFC 9101) inside workerd, on D1 with the KV cache', () => {
  it('RFC 7523 §2.2, §3: client_credentials with keys from jwks_uri; a replayed assertion is refused through D1', async () => {
    const key = await clientKey('w1')
    const fetched: string[] = []
    const s = await setupWorker({
      fetch: (async (url: string) => {
        fetched.push(url)
        return new Response(JSON.stringify({ keys: [key.jwk] }), { headers: { 'content-type': 'application/json' } })
      }) as typeof fetch,
    })
    const as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...s.via, algorithm: 'oidc' }),
    )
    expect(as.token_endpoint_auth_methods_supported).toContain('private_key_jwt')
    expect(as.token_endpoint_auth_signing_alg_values_supported).toContain('ES256')
    const { client: registered } = await s.admin.clients.create({
      client_name: 'Service',
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      jwks_uri: JWKS_URI,
    })
    const client: oauth.Client = { client_id: registered.client_id }
    // The assertion oauth4webapi signs is kept, to send it a second time.
    let assertion = ''
    const keep = {
      ...s.via,
      [oauth.customFetch]: async (url: string, init: RequestInit) => {
        assertion = new URLSearchParams(String(init.body)).get('client_assertion') ?? ''
        return s.call(url, init)
      },
    }
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid })
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams({ scope: 'read' }), keep),
    )
    expect(tokens.access_token).toMatch(/^gl_at_/)
    expect(fetched).toEqual([JWKS_URI])
    const replay = await s.call(
      `${ISSUER}/token/`,
      form({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }),
    )
    expect(replay.status).toBeGreaterThanOrEqual(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('RFC 9101 §6.3: a signed request object through the consent page, the code redeemed with private_key_jwt', async () => {
    const s = await setupWorker()
    await s.cron()
    const as = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...s.via, algorithm: 'oidc' }),
    )
    expect(as.request_parameter_supported).toBe(true)
    const key = await clientKey('w2')
    const { client: registered } = await s.admin.clients.create({
      client_name: 'Signed requests',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.jwk] },
      redirect_uris: [REDIRECT_URI],
    })
    const client: oauth.Client = { client_id: registered.client_id }
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid })
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const request = await oauth.issueRequestObject(
      as,
      client,
      new URLSearchParams({
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'read',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }),
      { key: key.privateKey, kid: key.kid },
    )
    const url = new URL(as.authorization_endpoint ?? '')
    url.searchParams.set('client_id', client.client_id)
    url.searchParams.set('request', request)
    const cookie = s.users.signIn('user-1')
    const page = await s.call(url, { headers: { cookie } })
    expect(page.status).toBe(200)
    const approval = await s.call(`${ISSUER}/authorize/`, form({ ...consentFields(await page.text()), allow: 'Authorize' }, { cookie }))
    const params = oauth.validateAuthResponse(as, client, new URL(approval.headers.get('location') ?? ''), state)
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, s.via),
    )
    expect(tokens.scope).toBe('read')
  })
})
