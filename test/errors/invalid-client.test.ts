import { sha256Hex } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { createClient, expectInvalidClient, expectJsonError, obtainTokens, post } from '../security/support.js'
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
    ['bytes that are not UTF-8', `Basic ${btoa('client\xff:secret')}`],
  ])('RFC 6749 §2.3.1: a malformed Basic header (%s) is 401 invalid_client with WWW-Authenticate: Basic', async (_why, authorization) => {
    const s = setup()
    const response = await s.provider.handle(withAuthorization(authorization, { grant_type: 'client_credentials' }))
    await expectInvalidClient(response, true)
  })

  it('RFC 7617 §2.1: Basic credentials are read as UTF-8, raw or form-urlencoded (RFC 6749 §2.3.1)', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['client_credentials'] })
    const secret = 'sécret-ü-🔑'
    await s.storage.putClient({ ...c.client, secret_hash: sha256Hex(secret) })
    const utf8 = String.fromCharCode(...new TextEncoder().encode(`${c.client_id}:${secret}`))
    for (const authorization of [`Basic ${btoa(utf8)}`, basic(c.client_id, secret)]) {
      const response = await s.provider.handle(withAuthorization(authorization, { grant_type: 'client_credentials' }))
      expect(await response.json()).toMatchObject({ token_type: 'Bearer' })
    }
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

/** Asserts 401 invalid_client with a Basic challenge (RFC 6749 §5.2, RFC 9110 §11.6.1), whatever method was tried. */
async function expectChallenge(response: Response): Promise<void> {
  expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/)
  await expectJsonError(response, 'invalid_client', 401)
}

describe('invalid_client at introspection and revocation: 401 with a challenge', () => {
  it.each(['introspect', 'revoke_token'])(
    'RFC 7662 §2.3, RFC 7009 §2.1: %s without client credentials is 401 with WWW-Authenticate',
    async (endpoint) => {
      const s = setup()
      const c = await createClient(s)
      const { access_token } = await obtainTokens(s, c)
      await expectChallenge(await post(s, endpoint, { token: access_token }))
      await expectChallenge(await post(s, endpoint, { token: access_token, client_id: 'nobody' }))
    },
  )

  it.each(['introspect', 'revoke_token'])(
    'RFC 7662 §2.3, RFC 7009 §2.1: %s with a wrong secret in the body is 401 with WWW-Authenticate',
    async (endpoint) => {
      const s = setup()
      const c = await createClient(s, { token_endpoint_auth_method: 'client_secret_post' })
      const { access_token } = await obtainTokens(s, await createClient(s))
      await expectChallenge(await post(s, endpoint, { token: access_token, client_id: c.client_id, client_secret: 'gl_cs_wrong' }))
    },
  )

  it('RFC 7009 §2.1: the challenge changes nothing for the token itself: it stays active', async () => {
    const s = setup()
    const c = await createClient(s)
    const { access_token } = await obtainTokens(s, c)
    await expectChallenge(await post(s, 'revoke_token', { token: access_token }))
    const info = await post(s, 'introspect', { token: access_token }, { id: c.client_id, secret: c.client_secret })
    expect(await info.json()).toMatchObject({ active: true })
  })

  it('RFC 6749 §5.2: the token endpoint still answers a request without credentials with 400 (the 401 is a MAY there)', async () => {
    const s = setup()
    const response = await post(s, 'token', { grant_type: 'client_credentials' })
    expect(response.headers.get('www-authenticate')).toBeNull()
    await expectJsonError(response, 'invalid_client', 400)
  })
})
