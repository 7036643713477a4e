import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { setup } from '../support/provider.js'
import { as, introspect, type Registered, register, via } from './support.js'

const WITH_PASSWORD = { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'] }

/** RFC 6749 §4.3.2; oauth4webapi has no helper for the deprecated grant, so it goes generic. */
async function passwordGrant(
  s: ReturnType<typeof setup>,
  reg: Registered,
  username: string,
  password: string,
  extra: Record<string, string> = {},
) {
  const response = await oauth.genericTokenEndpointRequest(as, reg.client, reg.auth, 'password', { username, password, ...extra }, via(s))
  return oauth.processGenericTokenEndpointResponse(as, reg.client, response)
}

describe('resource owner password credentials grant (oauth4webapi)', () => {
  it('RFC 9700 §2.4: the password grant is off by default (unsupported_grant_type)', async () => {
    const s = setup()
    const reg = await register(s, { grant_types: ['password'] })
    await expect(passwordGrant(s, reg, 'alice', 'correct horse')).rejects.toMatchObject({ error: 'unsupported_grant_type', status: 400 })
  })

  it('RFC 6749 §4.3: enabled for the server and the client, it issues an access and a refresh token', async () => {
    const s = setup(WITH_PASSWORD)
    const reg = await register(s, { grant_types: ['password', 'refresh_token'] })
    const tokens = await passwordGrant(s, reg, 'alice', 'correct horse', { scope: 'read' })
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read' })
    expect(tokens.refresh_token).toMatch(/^gl_rt_/)
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true, sub: 'user-1', username: 'alice', scope: 'read' })
  })

  it('RFC 6749 §10.2, RFC 7009: a password grant is a consent the user sees and can revoke, ending its tokens', async () => {
    const s = setup(WITH_PASSWORD)
    const reg = await register(s, { grant_types: ['password', 'refresh_token'] })
    const first = await passwordGrant(s, reg, 'alice', 'correct horse', { scope: 'read' })
    const second = await passwordGrant(s, reg, 'alice', 'correct horse', { scope: 'read write' })
    const consents = await s.storage.listConsents('user-1')
    expect(consents).toEqual([expect.objectContaining({ client_id: reg.client.client_id, scopes: ['read', 'write'] })])
    await s.storage.revokeConsent(consents[0]!.id, Math.floor(s.clock.now() / 1000))
    for (const token of [first.access_token, second.access_token, second.refresh_token!]) {
      expect(await introspect(s, reg, token)).toStrictEqual({ active: false })
    }
  })

  it('RFC 6749 §4.3.3: without refresh_token in the client grant types no refresh token is issued', async () => {
    const s = setup(WITH_PASSWORD)
    const reg = await register(s, { grant_types: ['password'] })
    const tokens = await passwordGrant(s, reg, 'bob', 'battery staple')
    expect(tokens.refresh_token).toBeUndefined()
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true, sub: 'user-2' })
  })

  it('RFC 6749 §5.2: a wrong password is invalid_grant', async () => {
    const s = setup(WITH_PASSWORD)
    const reg = await register(s, { grant_types: ['password'] })
    await expect(passwordGrant(s, reg, 'alice', 'battery staple')).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(passwordGrant(s, reg, 'mallory', 'correct horse')).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('RFC 9700 §2.4: enabled for the server but not the client is unauthorized_client', async () => {
    const s = setup(WITH_PASSWORD)
    const reg = await register(s)
    await expect(passwordGrant(s, reg, 'alice', 'correct horse')).rejects.toMatchObject({ error: 'unauthorized_client' })
  })
})
