import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { ISSUER, setup } from '../support/provider.js'
import { as, codeFlow, introspect, refresh, register, revoke, via } from './support.js'

async function granted() {
  const s = setup()
  const reg = await register(s)
  const tokens = await codeFlow(s, reg, s.users.signIn('user-1'))
  return { s, reg, tokens }
}

const bearer = (token: string) => new Request('https://api.example/photos', { headers: { authorization: `Bearer ${token}` } })

describe('token revocation (RFC 7009, oauth4webapi)', () => {
  it('RFC 7009 §2.1: a revoked access token is inactive for introspection and the resource server', async () => {
    const { s, reg, tokens } = await granted()
    expect(await s.provider.verifyAccessToken(bearer(tokens.access_token))).toMatchObject({ sub: 'user-1' })
    expect(await revoke(s, reg, tokens.access_token)).toBeUndefined()
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual({ active: false })
    const denied = await s.provider.verifyAccessToken(bearer(tokens.access_token))
    expect(denied).toBeInstanceOf(Response)
    expect((denied as Response).status).toBe(401)
    expect((denied as Response).headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens of its grant', async () => {
    const { s, reg, tokens } = await granted()
    const next = await refresh(s, reg, tokens.refresh_token!)
    await revoke(s, reg, next.refresh_token!, { token_type_hint: 'refresh_token' })
    for (const token of [next.refresh_token!, next.access_token, tokens.access_token]) {
      expect(await introspect(s, reg, token)).toStrictEqual({ active: false })
    }
    await expect(refresh(s, reg, next.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('RFC 7009 §2.1: a wrong token_type_hint does not stop the revocation', async () => {
    const { s, reg, tokens } = await granted()
    await revoke(s, reg, tokens.access_token, { token_type_hint: 'refresh_token' })
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual({ active: false })
  })

  it('RFC 7009 §2.2: an unknown token answers 200', async () => {
    const { s, reg } = await granted()
    const response = await oauth.revocationRequest(as, reg.client, reg.auth, 'gl_at_not-a-token-anyone-issued', via(s))
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await oauth.processRevocationResponse(response)).toBeUndefined()
  })

  it('RFC 7009 §2.2: revoking an already revoked token answers 200 again', async () => {
    const { s, reg, tokens } = await granted()
    await revoke(s, reg, tokens.refresh_token!)
    expect(await revoke(s, reg, tokens.refresh_token!)).toBeUndefined()
  })

  it("RFC 7009 §2.1: a client cannot revoke another client's token", async () => {
    const { s, reg, tokens } = await granted()
    const other = await register(s, { grant_types: ['client_credentials'] })
    // "If this validation fails, the request is refused and the client is informed of the error."
    await expect(revoke(s, other, tokens.access_token)).rejects.toBeInstanceOf(oauth.ResponseBodyError)
    await expect(revoke(s, other, tokens.refresh_token!)).rejects.toBeInstanceOf(oauth.ResponseBodyError)
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true })
    expect(await introspect(s, reg, tokens.refresh_token!)).toMatchObject({ active: true })
    expect(await s.provider.verifyAccessToken(bearer(tokens.access_token))).toMatchObject({ client_id: reg.client.client_id })
  })

  it('RFC 7009 §2.1: the client must authenticate', async () => {
    const { s, reg, tokens } = await granted()
    const anonymous = { ...reg, auth: oauth.ClientSecretBasic('gl_cs_wrong') }
    await expect(revoke(s, anonymous, tokens.access_token)).rejects.toMatchObject({ status: 401 })
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true, iss: ISSUER })
  })
})
