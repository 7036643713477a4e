import { describe, expect, it } from 'vitest'
import { REDIRECT_URI, setup } from '../support/provider.js'
import { authorizeUrl, createClient, expectJsonError, post, redirectParams } from './support.js'

const tokenRequest = (clientId: string) =>
  authorizeUrl({ client_id: clientId, response_type: 'token', redirect_uri: REDIRECT_URI, state: 'st' })

describe('RFC 9700 §2.1.2 / §2.4: implicit and password grants are off unless enabled for the server and the client', () => {
  it('RFC 9700 §2.1.2: response_type=token is unsupported while the server has not enabled implicit', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['implicit'], skip_authorization: true })
    const response = await s.provider.handle(new Request(tokenRequest(c.client_id), { headers: { cookie: s.users.signIn('user-1') } }))
    const params = redirectParams(response)
    expect(params.get('error')).toBe('unsupported_response_type')
    expect(params.has('access_token')).toBe(false)
  })

  it('RFC 9700 §2.1.2: response_type=token is unauthorized for a client not registered for implicit', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'implicit'] })
    const c = await createClient(s, { skip_authorization: true })
    const response = await s.provider.handle(new Request(tokenRequest(c.client_id), { headers: { cookie: s.users.signIn('user-1') } }))
    const params = redirectParams(response)
    expect(params.get('error')).toBe('unauthorized_client')
    expect(params.has('access_token')).toBe(false)
  })

  it('RFC 9700 §2.4: the password grant is unsupported while the server has not enabled it', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['password'], redirect_uris: [] })
    const response = await post(
      s,
      'token',
      { grant_type: 'password', username: 'alice', password: 'correct horse' },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectJsonError(response, 'unsupported_grant_type')
  })

  it('RFC 9700 §2.4: the password grant is unauthorized for a client not registered for it', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'password'] })
    const c = await createClient(s)
    const response = await post(
      s,
      'token',
      { grant_type: 'password', username: 'alice', password: 'correct horse' },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectJsonError(response, 'unauthorized_client')
  })

  it('RFC 6749 §4.3: the password grant works once both the server and the client enable it', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'password'] })
    const c = await createClient(s, { grant_types: ['password'], redirect_uris: [] })
    const response = await post(
      s,
      'token',
      { grant_type: 'password', username: 'alice', password: 'correct horse' },
      { id: c.client_id, secret: c.client_secret },
    )
    expect(response.status).toBe(200)
  })
})
