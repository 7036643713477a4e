import { describe, expect, it } from 'vitest'
import { createClient, expectJsonError, obtainCode, obtainTokens, post, redeem } from '../security/support.js'
import { setup } from '../support/provider.js'

describe('grant errors of the token endpoint (RFC 6749 §5.2)', () => {
  it('RFC 6749 §5.2 invalid_grant: an unknown authorization code', async () => {
    const s = setup()
    const c = await createClient(s)
    const body = await expectJsonError(await redeem(s, c, 'gl_ac_unknown', { code_verifier: 'a'.repeat(43) }), 'invalid_grant')
    expect(body.error_description).toMatch(/code/)
  })

  it('RFC 6749 §5.2 invalid_grant: an unknown refresh token', async () => {
    const s = setup()
    const c = await createClient(s)
    const response = await post(
      s,
      'token',
      { grant_type: 'refresh_token', refresh_token: 'gl_rt_unknown' },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectJsonError(response, 'invalid_grant')
  })

  it('RFC 6749 §6 invalid_grant: a refresh token issued to another client', async () => {
    const s = setup()
    const c = await createClient(s)
    const other = await createClient(s)
    const { refresh_token } = await obtainTokens(s, c)
    const response = await post(
      s,
      'token',
      { grant_type: 'refresh_token', refresh_token },
      { id: other.client_id, secret: other.client_secret },
    )
    await expectJsonError(response, 'invalid_grant')
  })

  it('RFC 6749 §4.3.2 invalid_grant: a wrong resource owner password', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'password'] })
    const c = await createClient(s, { grant_types: ['password'], redirect_uris: [] })
    const response = await post(
      s,
      'token',
      { grant_type: 'password', username: 'alice', password: 'wrong' },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectJsonError(response, 'invalid_grant')
  })

  it('RFC 6749 §5.2 unauthorized_client: a client not registered for the grant type', async () => {
    const s = setup()
    const c = await createClient(s)
    const body = await expectJsonError(
      await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: c.client_secret }),
      'unauthorized_client',
    )
    expect(body.error_description).toMatch(/client_credentials/)
  })

  it('RFC 6749 §4.4 unauthorized_client: a public client may not use client_credentials', async () => {
    const s = setup()
    const c = await createClient(s, { client_type: 'public' })
    // Registration refuses this pairing now; a record stored earlier (or imported) must still be refused here.
    await s.storage.putClient({ ...c.client, grant_types: ['client_credentials'] })
    await expectJsonError(await post(s, 'token', { grant_type: 'client_credentials', client_id: c.client_id }), 'unauthorized_client')
  })

  it('RFC 6749 §5.2 unsupported_grant_type: a grant type the server does not know', async () => {
    const s = setup()
    const c = await createClient(s)
    const body = await expectJsonError(
      await post(s, 'token', { grant_type: 'urn:example:unknown' }, { id: c.client_id, secret: c.client_secret }),
      'unsupported_grant_type',
    )
    expect(body.error_description).toMatch(/urn:example:unknown/)
  })

  it('RFC 9700 §2.4 unsupported_grant_type: the password grant while the server has not enabled it', async () => {
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

  it('RFC 6749 §5.2 invalid_scope: client_credentials asking for an unknown scope', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['client_credentials'], redirect_uris: [] })
    const response = await post(
      s,
      'token',
      { grant_type: 'client_credentials', scope: 'read admin' },
      { id: c.client_id, secret: c.client_secret },
    )
    const body = await expectJsonError(response, 'invalid_scope')
    expect(body.error_description).toMatch(/admin/)
  })

  it('RFC 6749 §5.2 invalid_scope: a scope outside the client registration', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'read' })
    const response = await post(
      s,
      'token',
      { grant_type: 'client_credentials', scope: 'write' },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectJsonError(response, 'invalid_scope')
  })

  it('RFC 6749 §6 invalid_scope: a refresh asking for more than was granted', async () => {
    const s = setup()
    const c = await createClient(s)
    const { code, verifier } = await obtainCode(s, c, { extra: { scope: 'read' } })
    const tokens = (await (await redeem(s, c, code, { code_verifier: verifier as string })).json()) as { refresh_token: string }
    const response = await post(
      s,
      'token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'read write' },
      {
        id: c.client_id,
        secret: c.client_secret,
      },
    )
    await expectJsonError(response, 'invalid_scope')
  })
})
