import { exportJWK, generateKeyPair } from 'jose'
import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import { authorize, Browser, ISSUER, opSetup, REDIRECT_URI, requestSecrets } from '../oidc/e2e/support.js'

describe("profile 'fapi2' with openid-client", () => {
  it('FAPI 2.0 §5.3.2: openid-client discovers the profile, pushes with private_key_jwt and DPoP, the user signs in and consents, the ID Token verifies', async () => {
    const op = await opSetup({ alg: 'ES256', config: { profile: 'fapi2', grantTypes: ['authorization_code', 'refresh_token'] } })
    const keys = await generateKeyPair('ES256', { extractable: true })
    const { client: registered } = await op.provider.clients.create({
      client_name: 'Bank app',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1' }] },
      redirect_uris: [REDIRECT_URI],
    })
    const config = await client.discovery(
      new URL(ISSUER),
      registered.client_id,
      { [client.clockSkew]: Math.round((op.clock.now() - Date.now()) / 1000) },
      client.PrivateKeyJwt({ key: keys.privateKey, kid: 'k1' }),
      {
        [client.customFetch]: async (url, init) => {
          const response = await op.fetch(url, init as RequestInit)
          op.requests.push({ method: init.method, url, status: response.status })
          return response
        },
        execute: [client.enableNonRepudiationChecks],
      },
    )
    expect(config.serverMetadata().token_endpoint_auth_methods_supported).toEqual(['private_key_jwt'])
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
    const { state, nonce, verifier, challenge } = await requestSecrets()
    const url = await client.buildAuthorizationUrlWithPAR(
      config,
      { redirect_uri: REDIRECT_URI, scope: 'openid profile', state, nonce, code_challenge: challenge, code_challenge_method: 'S256' },
      { DPoP },
    )
    const callback = await authorize(new Browser(op), url)
    const tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state },
      undefined,
      { DPoP },
    )
    expect(tokens.token_type).toBe('dpop')
    expect(tokens.claims()).toMatchObject({ iss: ISSUER, aud: registered.client_id, sub: op.alice.sub, nonce })
    expect(op.requests).toContainEqual({ method: 'POST', url: `${ISSUER}/par/`, status: 201 })
  })
})
