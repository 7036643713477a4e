import { describe, it } from 'vitest'
import { createClient, expectInvalidClient, post } from '../security/support.js'
import { basic, form, ISSUER, setup } from '../support/provider.js'

const TOKEN = `${ISSUER}/token/`

const withAuthorization = (authorization: string, values: Record<string, string>) => {
  const { headers, ...init } = form(values)
  return new Request(TOKEN, { ...init, headers: { ...headers, authorization } })
}

describe('invalid_client (RFC 6749 §5.2)', () => {
  it('RFC 6749 §5.2: a wrong secret over Basic is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const s = setup()
    const c = await createClient(s)
    const response = await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: 'gl_cs_wrong' })
    await expectInvalidClient(response, true)
  })

  it('RFC 6749 §5.2: an unknown client over Basic is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const s = setup()
    const response = await post(s, 'token', { grant_type: 'client_credentials' }, { id: 'nobody', secret: 'gl_cs_whatever' })
    await expectInvalidClient(response, true)
  })

  it.each([
    ['not base64', 'Basic %%%not-base64%%%'],
    ['no colon', `Basic ${btoa('client-without-secret')}`],
    ['empty client_id', `Basic ${btoa(':secret')}`],
    ['bad percent-encoding', `Basic ${btoa('%E0%A4%A:secret')}`],
  ])('RFC 6749 §2.3.1: a malformed Basic header (%s) is 401 invalid_client with WWW-Authenticate: Basic', async (_why, authorization) => {
    const s = setup()
    const response = await s.provider.handle(withAuthorization(authorization, { grant_type: 'client_credentials' }))
    await expectInvalidClient(response, true)
  })

  it('RFC 6749 §2.3.1: a wrong secret in the body (client_secret_post) is invalid_client', async () => {
    const s = setup()
    const c = await createClient(s, { token_endpoint_auth_method: 'client_secret_post' })
    const response = await post(s, 'token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: 'gl_cs_wrong' })
    await expectInvalidClient(response, false)
  })

  it('RFC 6749 §2.3.1: an unknown client in the body is invalid_client', async () => {
    const s = setup()
    const response = await post(s, 'token', { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'gl_cs_whatever' })
    await expectInvalidClient(response, false)
  })

  it('RFC 6749 §3.2.1: a token request with no client authentication is invalid_client', async () => {
    const s = setup()
    await expectInvalidClient(await post(s, 'token', { grant_type: 'client_credentials' }), false)
  })

  it('RFC 7591 §2: a client registered for client_secret_post may not authenticate with Basic', async () => {
    const s = setup()
    const c = await createClient(s, { token_endpoint_auth_method: 'client_secret_post' })
    const response = await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: c.client_secret })
    await expectInvalidClient(response, true)
  })

  it('RFC 7591 §2: a client registered for client_secret_basic may not send its secret in the body', async () => {
    const s = setup()
    const c = await createClient(s)
    const response = await post(s, 'token', { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret })
    await expectInvalidClient(response, false)
  })

  it('RFC 6749 §3.2.1: a confidential client may not authenticate with its client_id alone', async () => {
    const s = setup()
    const c = await createClient(s)
    await expectInvalidClient(await post(s, 'token', { grant_type: 'client_credentials', client_id: c.client_id }), false)
  })

  it('RFC 6749 §2.3.1: a body client_id naming another client than the Basic credentials is invalid_client', async () => {
    const s = setup()
    const c = await createClient(s)
    const other = await createClient(s)
    const response = await post(
      s,
      'token',
      { grant_type: 'client_credentials', client_id: other.client_id },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectInvalidClient(response, true)
  })

  it('RFC 6749 §5.2: Basic credentials that would be valid for another client are refused', async () => {
    const s = setup()
    const c = await createClient(s)
    const other = await createClient(s)
    const response = await s.provider.handle(
      withAuthorization(basic(c.client_id, other.client_secret), { grant_type: 'client_credentials' }),
    )
    await expectInvalidClient(response, true)
  })
})
