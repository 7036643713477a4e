import { ConfigError } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { oidcSetup, REDIRECT_URI } from './support.js'

const base = { client_name: 'App', redirect_uris: [REDIRECT_URI] }

describe('client response_types (RFC 7591 §2.1, OIDC Dynamic Client Registration §2)', () => {
  it('RFC 7591 §2.1: without response_types they are derived from the grant types (code, token)', async () => {
    const s = oidcSetup()
    expect((await s.provider.clients.create(base)).client.response_types).toEqual(['code'])
    const both = await s.provider.clients.create({ ...base, grant_types: ['authorization_code', 'implicit'] })
    expect(both.client.response_types).toEqual(['code', 'token'])
  })

  it('RFC 7591 §2.1: registered response types are stored in canonical member order, once each', async () => {
    const s = oidcSetup()
    const { client } = await s.provider.clients.create({
      ...base,
      grant_types: ['authorization_code', 'implicit'],
      response_types: ['token code', 'token id_token', 'code token', 'token id_token code'],
    })
    expect(client.response_types).toEqual(['code token', 'id_token token', 'code id_token token'])
  })

  it.each([
    [['code id_token'], ['authorization_code'], /implicit/],
    [['id_token'], ['authorization_code'], /implicit/],
    [['code'], ['implicit'], /authorization_code/],
    [['code token'], ['implicit'], /authorization_code/],
    [['code bogus'], ['authorization_code', 'implicit'], /unknown response type/],
    [['code code'], ['authorization_code'], /unknown response type/],
  ])(
    'OIDC Dynamic Client Registration §2: response_types %j with grant_types %j is refused',
    async (responseTypes, grantTypes, message) => {
      const s = oidcSetup()
      const attempt = s.provider.clients.create({ ...base, grant_types: grantTypes, response_types: responseTypes })
      await expect(attempt).rejects.toBeInstanceOf(ConfigError)
      await expect(attempt).rejects.toMatchObject({ code: 'ERR_INVALID_CLIENT', message: expect.stringMatching(message) })
    },
  )

  it('RFC 7592 §2.2: an update keeps explicit response types, and drops those new grant types no longer allow', async () => {
    const s = oidcSetup()
    const { client } = await s.provider.clients.create({
      ...base,
      grant_types: ['authorization_code', 'implicit'],
      response_types: ['code', 'code id_token', 'id_token'],
    })
    expect((await s.provider.clients.update(client.client_id, { client_name: 'Renamed' })).response_types).toEqual([
      'code',
      'code id_token',
      'id_token',
    ])
    expect((await s.provider.clients.update(client.client_id, { grant_types: ['implicit'] })).response_types).toEqual(['id_token'])
    // Nothing explicit left: derived again from the grant types.
    expect((await s.provider.clients.update(client.client_id, { grant_types: ['authorization_code'] })).response_types).toEqual(['code'])
  })

  it('RFC 7592 §2.2: derived response types follow a change of grant types', async () => {
    const s = oidcSetup()
    const { client } = await s.provider.clients.create(base)
    const updated = await s.provider.clients.update(client.client_id, { grant_types: ['authorization_code', 'implicit'] })
    expect(updated.response_types).toEqual(['code', 'token'])
  })
})
