import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { createClient, expectInvalidClient, obtainTokens, post } from './support.js'

const INACTIVE = '{"active":false}'

describe('RFC 7662 §2.2: introspection reveals a token only to its client or a resource server', () => {
  it('RFC 7662 §2.1: the token client learns about its token', async () => {
    const s = setup()
    const c = await createClient(s)
    const { access_token } = await obtainTokens(s, c)
    const response = await post(s, 'introspect', { token: access_token }, { id: c.client_id, secret: c.client_secret })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toMatchObject({ active: true, client_id: c.client_id, sub: 'user-1', token_type: 'Bearer' })
  })

  it('RFC 7662 §2.2: another client gets exactly {"active":false}', async () => {
    const s = setup()
    const c = await createClient(s)
    const other = await createClient(s)
    const { access_token, refresh_token } = await obtainTokens(s, c)
    for (const token of [access_token, refresh_token]) {
      expect(await (await post(s, 'introspect', { token }, { id: other.client_id, secret: other.client_secret })).text()).toBe(INACTIVE)
    }
  })

  it('RFC 7662 §2.1: a resource server (introspection: true) learns about any token', async () => {
    const s = setup()
    const c = await createClient(s)
    const rs = await createClient(s, { grant_types: ['client_credentials'], redirect_uris: [], introspection: true })
    const { access_token } = await obtainTokens(s, c)
    expect(
      await (await post(s, 'introspect', { token: access_token }, { id: rs.client_id, secret: rs.client_secret })).json(),
    ).toMatchObject({
      active: true,
      client_id: c.client_id,
    })
  })

  it('RFC 7662 §2.2: unknown, expired and revoked tokens get exactly {"active":false}', async () => {
    const s = setup()
    const c = await createClient(s)
    const ask = async (token: string) => (await post(s, 'introspect', { token }, { id: c.client_id, secret: c.client_secret })).text()
    expect(await ask('gl_at_unknown')).toBe(INACTIVE)
    const revoked = await obtainTokens(s, c)
    expect((await post(s, 'revoke_token', { token: revoked.access_token }, { id: c.client_id, secret: c.client_secret })).status).toBe(200)
    expect(await ask(revoked.access_token)).toBe(INACTIVE)
    const expiring = await obtainTokens(s, c)
    s.clock.advance(3601)
    expect(await ask(expiring.access_token)).toBe(INACTIVE)
  })

  it('RFC 7662 §2.1: an unauthenticated caller is invalid_client, not told anything', async () => {
    const s = setup()
    const c = await createClient(s)
    const { access_token } = await obtainTokens(s, c)
    await expectInvalidClient(await post(s, 'introspect', { token: access_token }), false)
  })
})
