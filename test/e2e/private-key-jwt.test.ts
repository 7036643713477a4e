import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { as, codeFlow, introspect, type Registered, revoke, via } from './support.js'

const JWKS_URI = 'https://client.example/jwks.json'

/** A client key pair as oauth4webapi's PrivateKeyJwt takes it, with its public JWK. */
async function clientKey(alg: 'ES256' | 'PS256' | 'RS256' | 'EdDSA' = 'ES256', kid = `key-${alg}`) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid } }
}

/** oauth4webapi's private_key_jwt with the assertion's `aud` set to `aud` (it names the issuer by default). */
function assertionFor(key: Awaited<ReturnType<typeof clientKey>>, aud: string): oauth.ClientAuth {
  return oauth.PrivateKeyJwt(
    { key: key.privateKey, kid: key.kid },
    {
      [oauth.modifyAssertion]: (_header, payload) => {
        payload.aud = aud
      },
    },
  )
}

/** An in-process provider whose clock is now, since oauth4webapi dates its assertions by the real clock. */
function realTimeSetup(serveJwks?: () => unknown) {
  const calls: string[] = []
  const s = setup({
    registration: { policy: 'token' },
    fetch: (async (url: string) => {
      calls.push(url)
      return new Response(JSON.stringify(serveJwks?.()), { headers: { 'content-type': 'application/json' } })
    }) as typeof fetch,
  })
  s.clock.set(Date.now())
  return { ...s, calls }
}

async function registerWithKey(
  s: ReturnType<typeof setup>,
  key: Awaited<ReturnType<typeof clientKey>>,
  input: Record<string, unknown> = {},
): Promise<Registered> {
  const { client, client_secret } = await s.provider.clients.create({
    client_name: 'Signed app',
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    redirect_uris: ['https://app.example/cb'],
    introspection: true,
    jwks: { keys: [key.jwk] },
    ...input,
  })
  expect(client_secret).toBeUndefined()
  return { client: { client_id: client.client_id }, auth: oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }), secret: undefined }
}

describe('private_key_jwt (RFC 7523 §2.2, OIDC Core §9) through oauth4webapi', () => {
  it.each(['ES256', 'PS256', 'RS256', 'EdDSA'] as const)('RFC 7523 §2.2: client_credentials with a %s key from jwks', async (alg) => {
    const s = realTimeSetup()
    const reg = await registerWithKey(s, await clientKey(alg))
    const response = await oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, new URLSearchParams({ scope: 'read' }), via(s))
    const tokens = await oauth.processClientCredentialsResponse(as, reg.client, response)
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' })
    // Introspection and revocation authenticate the client the same way (RFC 7662 §2.1, RFC 7009 §2.1).
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true, client_id: reg.client.client_id })
    await revoke(s, reg, tokens.access_token)
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: false })
  })

  it('RFC 7523 §2.2: the authorization code flow and a refresh, keys fetched once from jwks_uri', async () => {
    const key = await clientKey('ES256')
    const s = realTimeSetup(() => ({ keys: [key.jwk] }))
    const reg = await registerWithKey(s, key, { jwks: undefined, jwks_uri: JWKS_URI })
    const tokens = await codeFlow(s, reg, s.users.signIn('user-1'), { scope: 'read' })
    expect(tokens.refresh_token).toMatch(/^gl_rt_/)
    const response = await oauth.refreshTokenGrantRequest(as, reg.client, reg.auth, tokens.refresh_token!, via(s))
    expect(await oauth.processRefreshTokenResponse(as, reg.client, response)).toMatchObject({ token_type: 'bearer' })
    expect(s.calls).toEqual([JWKS_URI])
  })

  it('RFC 7591 §2: a client registers itself with private_key_jwt and jwks_uri (RFC 7591 §3), then authenticates with its key', async () => {
    const key = await clientKey('ES256')
    const s = realTimeSetup(() => ({ keys: [key.jwk] }))
    const provider = s.provider
    const token = await provider.createInitialAccessToken()
    const response = await provider.handle(
      new Request('https://as.example/o/register/', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
        body: JSON.stringify({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks_uri: JWKS_URI }),
      }),
    )
    expect(response.status).toBe(201)
    const info = await response.json()
    expect(info).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: JWKS_URI })
    expect(info.client_secret).toBeUndefined()
    const client = { client_id: info.client_id as string }
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid })
    const grant = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), via(s))
    expect((await oauth.processClientCredentialsResponse(as, client, grant)).access_token).toMatch(/^gl_at_/)
  })

  it("draft-ietf-oauth-rfc7523bis §4: at the PAR endpoint only an assertion for the issuer is accepted; one for the token or PAR endpoint (RFC 9126 §2's older rule) is not", async () => {
    const s = realTimeSetup()
    const key = await clientKey('ES256')
    const reg = await registerWithKey(s, key)
    const server = { ...as, pushed_authorization_request_endpoint: `${as.issuer}/par/` }
    const withAudience = (aud: string) => assertionFor(key, aud)
    const push = async (aud: string) => {
      const verifier = oauth.generateRandomCodeVerifier()
      const params = {
        response_type: 'code',
        redirect_uri: 'https://app.example/cb',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }
      return oauth.pushedAuthorizationRequest(server, reg.client, withAudience(aud), params, via(s))
    }
    const pushed = await oauth.processPushedAuthorizationResponse(server, reg.client, await push(as.issuer))
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    for (const aud of [
      as.token_endpoint!,
      server.pushed_authorization_request_endpoint,
      as.introspection_endpoint!,
      'https://other.example/o/par/',
    ]) {
      const refused = await push(aud)
      expect(refused.status).toBe(401)
      expect(await refused.json()).toMatchObject({ error: 'invalid_client' })
    }
  })

  it('draft-ietf-oauth-rfc7523bis §4: introspection and revocation accept an assertion for the issuer, not for the token endpoint or their own URL', async () => {
    const s = realTimeSetup()
    const key = await clientKey('ES256')
    const reg = await registerWithKey(s, key)
    const withAudience = (aud: string): Registered => ({
      ...reg,
      auth: assertionFor(key, aud),
    })
    const grant = await oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, new URLSearchParams(), via(s))
    const { access_token } = await oauth.processClientCredentialsResponse(as, reg.client, grant)
    expect(await introspect(s, withAudience(as.issuer), access_token)).toMatchObject({ active: true })
    // RFC 7662 §2.3, RFC 7009 §2.1: invalid_client is a 401 with a challenge, which oauth4webapi throws.
    for (const aud of [as.token_endpoint!, as.introspection_endpoint!]) {
      await expect(introspect(s, withAudience(aud), access_token)).rejects.toMatchObject({ status: 401 })
    }
    for (const aud of [as.token_endpoint!, as.revocation_endpoint!]) {
      await expect(revoke(s, withAudience(aud), access_token)).rejects.toMatchObject({ status: 401 })
    }
    await revoke(s, withAudience(as.issuer), access_token)
    expect(await introspect(s, reg, access_token)).toMatchObject({ active: false })
  })

  it('RFC 8414 §2: discovery lists private_key_jwt and its algorithms for every endpoint that authenticates clients', async () => {
    const s = realTimeSetup()
    const metadata = await (await s.provider.handle(new Request('https://as.example/.well-known/oauth-authorization-server/o'))).json()
    for (const endpoint of ['token', 'revocation', 'introspection']) {
      expect(metadata[`${endpoint}_endpoint_auth_methods_supported`]).toContain('private_key_jwt')
      expect(metadata[`${endpoint}_endpoint_auth_signing_alg_values_supported`]).toEqual(['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'])
    }
    expect(metadata.token_endpoint_auth_methods_supported).not.toContain('client_secret_jwt')
  })
})
