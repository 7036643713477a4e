import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import { authorize, Browser, ISSUER, opSetup, REDIRECT_URI, registerClient, relyingParty, requestSecrets } from './support.js'

describe('RFC 9126: pushed authorization requests with openid-client', () => {
  it('RFC 9126 §2, §4: openid-client pushes an OpenID request, the user signs in on the login page and consents, the ID Token verifies', async () => {
    const op = await opSetup({ config: { par: { required: true } } })
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg)
    // Discovered (RFC 9126 §5): openid-client pushes to it.
    expect(config.serverMetadata().pushed_authorization_request_endpoint).toBe(`${ISSUER}/par/`)
    expect(config.serverMetadata().require_pushed_authorization_requests).toBe(true)

    const { state, nonce, verifier, challenge } = await requestSecrets()
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    expect(op.requests).toContainEqual({ method: 'POST', url: `${ISSUER}/par/`, status: 201 })

    // Not signed in: the login page first, then back to the (still pushed) request, then consent.
    const browser = new Browser(op)
    const callback = await authorize(browser, url)
    expect(browser.signedIn).toBe(true)
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
    })
    expect(tokens.claims()).toMatchObject({ iss: ISSUER, aud: reg.client_id, sub: op.alice.sub, nonce, name: 'Alice Liddell' })
  })
})
