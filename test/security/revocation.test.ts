import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { breakableStorage, createClient, introspect, obtainTokens, post } from './support.js'

describe('RFC 7009: revocation', () => {
  it('RFC 7009 §2.1: revoking a refresh token ends the whole grant', async () => {
    const s = setup()
    const c = await createClient(s)
    const tokens = await obtainTokens(s, c)
    expect((await post(s, 'revoke_token', { token: tokens.refresh_token }, { id: c.client_id, secret: c.client_secret })).status).toBe(200)
    expect(await introspect(s, c, tokens.refresh_token)).toEqual({ active: false })
    expect(await introspect(s, c, tokens.access_token)).toEqual({ active: false })
  })

  it('RFC 7009 §2.1: a client cannot revoke the tokens of another client', async () => {
    const s = setup()
    const c = await createClient(s)
    const other = await createClient(s)
    const tokens = await obtainTokens(s, c)
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const response = await post(s, 'revoke_token', { token }, { id: other.client_id, secret: other.client_secret })
      expect(response.status).toBeLessThan(500)
      expect(await introspect(s, c, token)).toMatchObject({ active: true })
    }
  })

  it('RFC 7009 §2.2: an unknown token answers 200', async () => {
    const s = setup()
    const c = await createClient(s)
    const response = await post(s, 'revoke_token', { token: 'gl_at_unknown' }, { id: c.client_id, secret: c.client_secret })
    expect(response.status).toBe(200)
  })

  it('RFC 7009 §2.2.1: a storage failure never answers 200', async () => {
    const { storage, failOn } = breakableStorage()
    const s = setup({}, storage)
    const c = await createClient(s)
    const tokens = await obtainTokens(s, c)
    failOn('revokeAccessToken', new Error('disk full'))
    const response = await post(s, 'revoke_token', { token: tokens.access_token }, { id: c.client_id, secret: c.client_secret })
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('disk full')
  })
})
