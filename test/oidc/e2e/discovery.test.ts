import { describe, expect, it } from 'vitest'
import { ISSUER, JWKS_URI, opSetup, registerClient, relyingParty } from './support.js'

const DISCOVERY = `${ISSUER}/.well-known/openid-configuration`
const RFC8414 = 'https://as.example/.well-known/oauth-authorization-server/o'

describe('OpenID Connect Discovery 1.0 and RFC 8414, as openid-client does it', () => {
  it('OIDC Discovery §4: openid-client discovers the provider from the issuer URL: the exact path answers 200, no redirect', async () => {
    const op = await opSetup()
    const config = await relyingParty(op, await registerClient(op))
    expect(op.requests).toEqual([{ method: 'GET', url: DISCOVERY, status: 200 }])
    const metadata = config.serverMetadata()
    expect(metadata).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize/`,
      token_endpoint: `${ISSUER}/token/`,
      userinfo_endpoint: `${ISSUER}/userinfo/`,
      end_session_endpoint: `${ISSUER}/logout/`,
      revocation_endpoint: `${ISSUER}/revoke_token/`,
      introspection_endpoint: `${ISSUER}/introspect/`,
      jwks_uri: JWKS_URI,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      userinfo_signing_alg_values_supported: ['RS256'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      claims_parameter_supported: true,
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    })
    expect(metadata.response_types_supported).toEqual([
      'code',
      'token',
      'id_token',
      'id_token token',
      'code id_token',
      'code token',
      'code id_token token',
    ])
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'implicit']))
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'address', 'phone']))
    expect(metadata.claims_supported).toEqual(
      expect.arrayContaining(['sub', 'auth_time', 'nonce', 'name', 'email', 'address', 'phone_number']),
    )
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
    )
  })

  it('OIDC Discovery §4: only the issuer path plus /.well-known/openid-configuration answers; near misses are 404, never a redirect', async () => {
    const op = await opSetup()
    const discovered = await op.fetch(DISCOVERY)
    expect(discovered.headers.get('content-type')).toMatch(/^application\/json/)
    // Metadata is public and cacheable, and browser-based relying parties read it cross-origin.
    expect(discovered.headers.get('access-control-allow-origin')).toBe('*')
    for (const url of [
      `${DISCOVERY}/`,
      'https://as.example/.well-known/openid-configuration',
      `${ISSUER}/.well-known/oauth-authorization-server`,
    ]) {
      const response = await op.fetch(url)
      expect({ url, status: response.status, location: response.headers.get('location') }).toEqual({ url, status: 404, location: null })
    }
  })

  it('RFC 8414 §3: the same metadata at /.well-known/oauth-authorization-server/o, which openid-client finds with algorithm oauth2', async () => {
    const op = await opSetup()
    const reg = await registerClient(op)
    const oauth2 = await relyingParty(op, reg, { algorithm: 'oauth2' })
    expect(op.requests).toEqual([{ method: 'GET', url: RFC8414, status: 200 }])
    const oidc = await relyingParty(op, reg)
    expect(oauth2.serverMetadata()).toEqual(oidc.serverMetadata())
  })

  it('RFC 8414 §3: without OpenID Connect the OAuth metadata remains, with no OpenID members; openid-configuration is 404', async () => {
    const op = await opSetup({ config: { oidc: undefined, grantTypes: ['authorization_code'] } })
    expect((await op.fetch(DISCOVERY)).status).toBe(404)
    const metadata = (await (await op.fetch(RFC8414)).json()) as Record<string, unknown>
    expect(metadata).toMatchObject({ issuer: ISSUER, response_types_supported: ['code'], response_modes_supported: ['query', 'fragment'] })
    for (const member of ['jwks_uri', 'userinfo_endpoint', 'end_session_endpoint', 'id_token_signing_alg_values_supported']) {
      expect(metadata).not.toHaveProperty(member)
    }
  })
})
