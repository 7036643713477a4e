import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { authorizeAs, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { as, introspect, location, register } from './support.js'

const WITH_IMPLICIT = { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit'] }

/** RFC 6749 §4.2.1: oauth4webapi does not do the implicit grant, so the request is built by hand. */
function implicitRequest(clientId: string, scope = 'read') {
  const state = oauth.generateRandomState()
  const url = new URL(as.authorization_endpoint!)
  for (const [name, value] of Object.entries({ client_id: clientId, response_type: 'token', redirect_uri: REDIRECT_URI, scope, state })) {
    url.searchParams.set(name, value)
  }
  return { url, state }
}

const fragment = (url: URL) => new URLSearchParams(url.hash.slice(1))

describe('implicit grant', () => {
  it('RFC 6749 §4.2.2: the access token comes in the fragment with token_type, expires_in, state and iss', async () => {
    const s = setup(WITH_IMPLICIT)
    const reg = await register(s, { grant_types: ['implicit'] })
    const { url, state } = implicitRequest(reg.client.client_id)
    const response = await authorizeAs(s, s.users.signIn('user-1'), url)
    expect(response.status).toBe(303)
    const landed = location(response)
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT_URI)
    expect(landed.search).toBe('')
    const params = fragment(landed)
    expect(Object.fromEntries(params)).toEqual({
      access_token: expect.stringMatching(/^gl_at_/),
      token_type: 'Bearer',
      expires_in: '3600',
      scope: 'read',
      state,
      iss: ISSUER,
    })
    // The RFC 9207 and state checks of a real client accept the fragment parameters.
    expect(() => oauth.validateAuthResponse(as, reg.client, params, state)).not.toThrow()
    expect(await introspect(s, reg, params.get('access_token')!)).toMatchObject({ active: true, sub: 'user-1', scope: 'read' })
  })

  it('RFC 9700 §2.1.2: the authorization endpoint never issues a refresh token', async () => {
    const s = setup(WITH_IMPLICIT)
    const reg = await register(s, { grant_types: ['implicit', 'refresh_token'], skip_authorization: true })
    const { url } = implicitRequest(reg.client.client_id, 'read write')
    const params = fragment(location(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))))
    expect(params.get('access_token')).toMatch(/^gl_at_/)
    expect(params.has('refresh_token')).toBe(false)
    expect(params.has('code')).toBe(false)
  })

  it('RFC 9700 §2.1.2: response_type=token is unsupported unless the server enables implicit', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['implicit'] })
    const { url, state } = implicitRequest(reg.client.client_id)
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    const params = fragment(location(response))
    expect(params.has('access_token')).toBe(false)
    expect(() => oauth.validateAuthResponse(as, reg.client, params, state)).toThrow(
      expect.objectContaining({ error: 'unsupported_response_type' }),
    )
  })

  it('RFC 6749 §4.2.2.1: a client without the implicit grant type is unauthorized_client', async () => {
    const s = setup(WITH_IMPLICIT)
    const reg = await register(s)
    const { url, state } = implicitRequest(reg.client.client_id)
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    const params = fragment(location(response))
    expect(params.has('access_token')).toBe(false)
    expect(() => oauth.validateAuthResponse(as, reg.client, params, state)).toThrow(
      expect.objectContaining({ error: 'unauthorized_client' }),
    )
  })

  it('RFC 6749 §4.2.2.1: denying consent sends access_denied in the fragment', async () => {
    const s = setup(WITH_IMPLICIT)
    const reg = await register(s, { grant_types: ['implicit'] })
    const { url, state } = implicitRequest(reg.client.client_id)
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), url, 'deny'))
    expect(landed.search).toBe('')
    const params = fragment(landed)
    expect(params.get('iss')).toBe(ISSUER)
    expect(() => oauth.validateAuthResponse(as, reg.client, params, state)).toThrow(expect.objectContaining({ error: 'access_denied' }))
  })
})
