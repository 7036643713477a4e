import { describe, expect, it } from 'vitest'
import { ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { authorizeUrl, createClient, introspect, recordingStorage, redirectParams } from './support.js'

const IMPLICIT = { grantTypes: ['authorization_code', 'refresh_token', 'implicit'] }

describe('RFC 6749 §4.2.2: the authorization endpoint never issues a refresh token', () => {
  it('RFC 6749 §4.2.2: an implicit response carries an access token in the fragment and no refresh_token', async () => {
    const { storage, calls } = recordingStorage()
    const s = setup(IMPLICIT, storage)
    const c = await createClient(s, { client_type: 'public', grant_types: ['implicit', 'refresh_token'], skip_authorization: true })
    const url = authorizeUrl({ client_id: c.client_id, response_type: 'token', redirect_uri: REDIRECT_URI, state: 'st', scope: 'read' })
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(location.search).toBe('')
    const params = redirectParams(response)
    expect(params.get('access_token')).toMatch(/^gl_at_/)
    expect(params.get('token_type')).toBe('Bearer')
    expect(params.get('state')).toBe('st')
    expect(params.get('iss')).toBe(ISSUER)
    expect(params.has('refresh_token')).toBe(false)
    expect(response.headers.get('location')).not.toMatch(/gl_rt_|refresh/)
    // Nothing refreshable was written either.
    const issued = calls.filter((call) => call.method === 'issueTokens' || call.method === 'rotateRefresh')
    expect(issued).toHaveLength(1)
    expect(issued[0]?.args[0]).not.toHaveProperty('refresh')
  })

  it('RFC 6749 §4.2.2: the implicit access token works and expires with the access-token lifetime', async () => {
    const s = setup({ ...IMPLICIT, ttl: { accessToken: 600 } })
    const c = await createClient(s, { grant_types: ['implicit', 'authorization_code', 'refresh_token'], skip_authorization: true })
    const url = authorizeUrl({ client_id: c.client_id, response_type: 'token', redirect_uri: REDIRECT_URI })
    const params = redirectParams(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } })))
    expect(params.get('expires_in')).toBe('600')
    const token = params.get('access_token') as string
    expect(await introspect(s, c, token)).toMatchObject({ active: true, client_id: c.client_id })
    s.clock.advance(601)
    expect(await introspect(s, c, token)).toEqual({ active: false })
  })

  it('RFC 6749 §4.1.2: the code response carries a code and no token at all', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    const url = authorizeUrl({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    })
    const params = redirectParams(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } })))
    expect([...params.keys()].sort()).toEqual(['code', 'iss'])
  })
})
