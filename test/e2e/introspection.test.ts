import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { ISSUER, setup } from '../support/provider.js'
import { as, codeFlow, introspect, refresh, register, revoke, via } from './support.js'

const INACTIVE = { active: false }

async function granted() {
  const s = setup()
  const reg = await register(s)
  const issuedAt = Math.floor(s.clock.now() / 1000)
  const tokens = await codeFlow(s, reg, s.users.signIn('user-1'))
  return { s, reg, tokens, issuedAt }
}

describe('token introspection (RFC 7662, oauth4webapi)', () => {
  it("RFC 7662 §2.2: the token's own client learns every field", async () => {
    const { s, reg, tokens, issuedAt } = await granted()
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual({
      active: true,
      scope: 'read write',
      client_id: reg.client.client_id,
      username: 'alice',
      token_type: 'Bearer',
      exp: issuedAt + 3600,
      iat: issuedAt,
      sub: 'user-1',
      iss: ISSUER,
    })
  })

  it('RFC 7662 §2.1: a resource server (introspection: true) learns the same fields', async () => {
    const { s, reg, tokens, issuedAt } = await granted()
    const api = await register(s, {
      grant_types: ['client_credentials'],
      introspection: true,
      token_endpoint_auth_method: 'client_secret_post',
    })
    expect(await introspect(s, api, tokens.access_token)).toStrictEqual({
      active: true,
      scope: 'read write',
      client_id: reg.client.client_id,
      username: 'alice',
      token_type: 'Bearer',
      exp: issuedAt + 3600,
      iat: issuedAt,
      sub: 'user-1',
      iss: ISSUER,
    })
  })

  it('RFC 7662 §2.2: a refresh token introspects with its own lifetime', async () => {
    const { s, reg, tokens, issuedAt } = await granted()
    expect(await introspect(s, reg, tokens.refresh_token!, { token_type_hint: 'refresh_token' })).toMatchObject({
      active: true,
      client_id: reg.client.client_id,
      sub: 'user-1',
      scope: 'read write',
      iat: issuedAt,
      exp: issuedAt + 14 * 86_400,
    })
  })

  it('RFC 7662 §2.2: another client gets exactly {active: false}', async () => {
    const { s, tokens } = await granted()
    const other = await register(s)
    expect(await introspect(s, other, tokens.access_token)).toStrictEqual(INACTIVE)
    expect(await introspect(s, other, tokens.refresh_token!)).toStrictEqual(INACTIVE)
  })

  it('RFC 7662 §2.2: an unknown token gets exactly {active: false}', async () => {
    const { s, reg } = await granted()
    const response = await oauth.introspectionRequest(as, reg.client, reg.auth, 'gl_at_unknown', via(s))
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.clone().text()).toBe('{"active":false}')
    expect(await oauth.processIntrospectionResponse(as, reg.client, response)).toStrictEqual(INACTIVE)
  })

  it('RFC 7662 §2.2: an expired access token gets exactly {active: false}', async () => {
    const { s, reg, tokens } = await granted()
    s.clock.advance(3599)
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true })
    s.clock.advance(2)
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual(INACTIVE)
  })

  it('RFC 7662 §2.2: a revoked token gets exactly {active: false}', async () => {
    const { s, reg, tokens } = await granted()
    await revoke(s, reg, tokens.access_token)
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual(INACTIVE)
    await revoke(s, reg, tokens.refresh_token!)
    expect(await introspect(s, reg, tokens.refresh_token!)).toStrictEqual(INACTIVE)
  })

  it('RFC 7662 §2.2: a rotated-away refresh token gets exactly {active: false}', async () => {
    const { s, reg, tokens } = await granted()
    await refresh(s, reg, tokens.refresh_token!)
    expect(await introspect(s, reg, tokens.refresh_token!)).toStrictEqual(INACTIVE)
  })

  it('RFC 7662 §2.2: a client_credentials token has no sub and no username', async () => {
    const s = setup()
    const svc = await register(s, { grant_types: ['client_credentials'] })
    const response = await oauth.clientCredentialsGrantRequest(as, svc.client, svc.auth, { scope: 'read' }, via(s))
    const { access_token } = await oauth.processClientCredentialsResponse(as, svc.client, response)
    const info = await introspect(s, svc, access_token)
    expect(info).toMatchObject({ active: true, client_id: svc.client.client_id, scope: 'read', token_type: 'Bearer' })
    expect(info).not.toHaveProperty('sub')
    expect(info).not.toHaveProperty('username')
  })

  it('RFC 7662 §2.1, §2.3: the caller must authenticate as a client; without credentials it is challenged', async () => {
    const { s, reg, tokens } = await granted()
    const anonymous = { ...reg, auth: oauth.None() }
    await expect(introspect(s, anonymous, tokens.access_token)).rejects.toMatchObject({
      name: 'WWWAuthenticateChallengeError',
      status: 401,
      cause: [expect.objectContaining({ scheme: 'basic' })],
    })
    const wrong = { ...reg, auth: oauth.ClientSecretBasic('gl_cs_wrong') }
    await expect(introspect(s, wrong, tokens.access_token)).rejects.toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
  })
})
