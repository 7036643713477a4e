import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { authorizeAs, REDIRECT_URI, setup } from '../support/provider.js'
import { as, begin, codeFlow, introspect, location, redeem, refresh, register, revoke, via } from './support.js'

describe('public clients (token_endpoint_auth_method none)', () => {
  it('RFC 6749 §2.1 / RFC 7636: a public client completes the code flow with S256 PKCE and no secret', async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public' })
    expect(reg.secret).toBeUndefined()
    expect((await s.provider.clients.get(reg.client.client_id))?.token_endpoint_auth_method).toBe('none')

    const tokens = await codeFlow(s, reg, s.users.signIn('user-1'), { scope: 'read' })
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' })
    expect(tokens.refresh_token).toBeTypeOf('string')

    const next = await refresh(s, reg, tokens.refresh_token!)
    expect(next.refresh_token).toBeTypeOf('string')
    expect(next.refresh_token).not.toBe(tokens.refresh_token)
  })

  it('RFC 8252 §7.3: a native app on a loopback redirect may use any port', async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public', redirect_uris: ['http://127.0.0.1/callback'] })
    const started = await begin(reg.client, { redirect_uri: 'http://127.0.0.1:51004/callback' })
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    expect(`${landed.origin}${landed.pathname}`).toBe('http://127.0.0.1:51004/callback')
    expect((await redeem(s, reg, started, landed)).access_token).toMatch(/^gl_at_/)
  })

  it('RFC 7636 §4.4.1: a public client redeeming a PKCE-bound code without code_verifier gets invalid_grant', async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public' })
    const started = await begin(reg.client)
    const params = oauth.validateAuthResponse(
      as,
      reg.client,
      location(await authorizeAs(s, s.users.signIn('user-1'), started.url)),
      started.state,
    )
    const response = await oauth.authorizationCodeGrantRequest(as, reg.client, reg.auth, params, REDIRECT_URI, oauth.nopkce, via(s))
    await expect(oauth.processAuthorizationCodeResponse(as, reg.client, response)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('RFC 9700 §2.1.1: with pkce.required "public", a public client still needs a code_challenge', async () => {
    const s = setup({ pkce: { required: 'public' } })
    const pub = await register(s, { client_type: 'public' })
    const started = await begin(pub.client)
    started.url.searchParams.delete('code_challenge')
    started.url.searchParams.delete('code_challenge_method')
    const redirect = location(await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } })))
    expect(() => oauth.validateAuthResponse(as, pub.client, redirect, started.state)).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    )
  })

  it('RFC 7009 §2.1: a public client revokes its own refresh token with its client_id alone', async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public' })
    const tokens = await codeFlow(s, reg, s.users.signIn('user-1'))
    expect(await revoke(s, reg, tokens.refresh_token!)).toBeUndefined()
    await expect(refresh(s, reg, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual({ active: false })
  })

  it('RFC 6749 §2.3: a public client presenting a client_secret is invalid_client', async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public' })
    const started = await begin(reg.client)
    const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    await expect(redeem(s, { ...reg, auth: oauth.ClientSecretPost('gl_cs_guessed') }, started, redirect)).rejects.toMatchObject({
      error: 'invalid_client',
    })
  })

  it("RFC 6749 §4.1.3: a public client cannot redeem another client's code", async () => {
    const s = setup()
    const victim = await register(s, { client_type: 'public' })
    const attacker = await register(s, { client_type: 'public' })
    const started = await begin(victim.client)
    const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    const params = oauth.validateAuthResponse(as, victim.client, redirect, started.state)
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      attacker.client,
      attacker.auth,
      params,
      REDIRECT_URI,
      started.verifier,
      via(s),
    )
    await expect(oauth.processAuthorizationCodeResponse(as, attacker.client, response)).rejects.toMatchObject({ error: 'invalid_grant' })
    // The misdirected code revoked its grant: the rightful client cannot redeem it either.
    await expect(redeem(s, victim, started, redirect)).rejects.toMatchObject({ error: 'invalid_grant' })
  })
})
