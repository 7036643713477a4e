import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { authorizeAs, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { as, authorizeAtFormAction, begin, location, metadata, redeem, register, via } from './support.js'

const ORIGIN = new URL(ISSUER).origin

function expectNoStore(response: Response) {
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('pragma')).toBe('no-cache')
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
}

describe('token endpoint response shape', () => {
  it('RFC 6749 §5.1: exactly access_token, token_type, expires_in, refresh_token and scope, never cached', async () => {
    const s = setup()
    const reg = await register(s)
    const started = await begin(reg.client, { scope: 'read' })
    const params = oauth.validateAuthResponse(
      as,
      reg.client,
      location(await authorizeAs(s, s.users.signIn('user-1'), started.url)),
      started.state,
    )
    const response = await oauth.authorizationCodeGrantRequest(as, reg.client, reg.auth, params, REDIRECT_URI, started.verifier, via(s))
    expect(response.status).toBe(200)
    expectNoStore(response)
    const body = await response.clone().json()
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type'])
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read' })
    expect(await oauth.processAuthorizationCodeResponse(as, reg.client, response)).toMatchObject({ access_token: body.access_token })
  })

  it('RFC 6749 §5.2: error responses are JSON with error and error_description, never cached', async () => {
    const s = setup()
    const reg = await register(s)
    const response = await oauth.refreshTokenGrantRequest(as, reg.client, reg.auth, 'gl_rt_unknown', via(s))
    expect(response.status).toBe(400)
    expectNoStore(response)
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) })
  })

  it('RFC 6749 §5.2: error_description stays within %x20-21 / %x23-5B / %x5D-7E when it echoes the request', async () => {
    const s = setup()
    const reg = await register(s)
    const response = await oauth.genericTokenEndpointRequest(as, reg.client, reg.auth, 'urn:example:"quoted"\\§é', {}, via(s))
    const body = await response.clone().json()
    expect(body.error).toBe('unsupported_grant_type')
    expect(body.error_description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/)
    await expect(oauth.processGenericTokenEndpointResponse(as, reg.client, response)).rejects.toBeInstanceOf(oauth.ResponseBodyError)
  })

  it('docs/architecture.md "Paths": /o/token and /o/token/ both serve the token endpoint', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['client_credentials'] })
    for (const token_endpoint of [`${ISSUER}/token`, `${ISSUER}/token/`]) {
      const server = { ...as, token_endpoint }
      const response = await oauth.clientCredentialsGrantRequest(server, reg.client, reg.auth, {}, via(s))
      expect((await oauth.processClientCredentialsResponse(server, reg.client, response)).token_type).toBe('bearer')
    }
  })

  it('docs/architecture.md "Paths": a custom basePath serves every endpoint there, with iss still the issuer', async () => {
    const s = setup({ basePath: '/oauth' })
    const server = metadata(`${ORIGIN}/oauth`)
    const reg = await register(s)
    const started = await begin(reg.client, {}, server)
    expect(started.url.pathname).toBe('/oauth/authorize/')
    const redirect = location(await authorizeAtFormAction(s, s.users.signIn('user-1'), started.url))
    expect(redirect.searchParams.get('iss')).toBe(ISSUER)
    const tokens = await redeem(s, reg, started, redirect, server)
    expect(tokens.refresh_token).toBeTypeOf('string')

    const info = await oauth.introspectionRequest(server, reg.client, reg.auth, tokens.access_token, via(s))
    expect(await oauth.processIntrospectionResponse(server, reg.client, info)).toMatchObject({ active: true, iss: ISSUER })
    const revoked = await oauth.revocationRequest(server, reg.client, reg.auth, tokens.refresh_token!, via(s))
    expect(await oauth.processRevocationResponse(revoked)).toBeUndefined()

    // The default prefix is no longer Grantline's.
    const old = new Request(`${ISSUER}/token/`, { method: 'POST' })
    expect(s.provider.owns(old)).toBe(false)
    expect((await s.provider.handle(old)).status).toBe(404)
  })
})
