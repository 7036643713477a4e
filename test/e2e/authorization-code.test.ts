import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { authorizeAs, consentFields, form, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { as, begin, codeFlow, introspect, location, redeem, register, via } from './support.js'

const VECTOR = { verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' }

const get = (s: ReturnType<typeof setup>, cookie: string, url: URL) => s.provider.handle(new Request(url, { headers: { cookie } }))

describe('authorization code flow (oauth4webapi)', () => {
  it('RFC 6749 §4.1: code flow with S256 PKCE through the consent page', async () => {
    const s = setup()
    const reg = await register(s, { client_name: 'Photo Printer' })
    const cookie = s.users.signIn('user-1')
    const started = await begin(reg.client, { scope: 'read write' })

    const page = await get(s, cookie, started.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.headers.get('content-security-policy')).toMatch(/form-action 'self' https:\/\/app\.example(;|$)/)
    expect(await page.text()).toContain('Photo Printer')

    const redirect = await authorizeAs(s, cookie, started.url)
    expect(redirect.status).toBe(303)
    const landed = location(redirect)
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT_URI)
    expect(landed.searchParams.get('iss')).toBe(ISSUER)

    const tokens = await redeem(s, reg, started, landed)
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read write' })
    expect(tokens.access_token).toMatch(/^gl_at_[A-Za-z0-9_-]{43}$/)
    expect(tokens.refresh_token).toMatch(/^gl_rt_[A-Za-z0-9_-]{43}$/)
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true, sub: 'user-1', client_id: reg.client.client_id })
  })

  it('RFC 7636 Appendix B: the example verifier/challenge pair is accepted', async () => {
    expect(await oauth.calculatePKCECodeChallenge(VECTOR.verifier)).toBe(VECTOR.challenge)
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    const started = await begin(reg.client, { code_challenge: VECTOR.challenge })
    const tokens = await redeem(s, reg, { ...started, verifier: VECTOR.verifier }, location(await authorizeAs(s, cookie, started.url)))
    expect(tokens.access_token).toMatch(/^gl_at_/)
  })

  it('RFC 7636 §4.6: a code_verifier that does not match the challenge is invalid_grant', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    const started = await begin(reg.client)
    const redirect = location(await authorizeAs(s, cookie, started.url))
    await expect(redeem(s, reg, { ...started, verifier: oauth.generateRandomCodeVerifier() }, redirect)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('RFC 9700 §2.1.1: an authorization request without code_challenge is refused back to the client', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    const started = await begin(reg.client)
    started.url.searchParams.delete('code_challenge')
    started.url.searchParams.delete('code_challenge_method')
    const redirect = location(await get(s, cookie, started.url))
    expect(() => oauth.validateAuthResponse(as, reg.client, redirect, started.state)).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    )
  })

  it('RFC 6749 §4.1.2 / RFC 9700 §4.5: a replayed code is invalid_grant and revokes the tokens it issued', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    const started = await begin(reg.client)
    const params = oauth.validateAuthResponse(as, reg.client, location(await authorizeAs(s, cookie, started.url)), started.state)
    const exchange = () => oauth.authorizationCodeGrantRequest(as, reg.client, reg.auth, params, REDIRECT_URI, started.verifier, via(s))
    const tokens = await oauth.processAuthorizationCodeResponse(as, reg.client, await exchange())
    await expect(oauth.processAuthorizationCodeResponse(as, reg.client, await exchange())).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await introspect(s, reg, tokens.access_token)).toStrictEqual({ active: false })
    expect(await introspect(s, reg, tokens.refresh_token!)).toStrictEqual({ active: false })
  })

  it('RFC 6749 §4.1.2: without state in the request there is none in the response', async () => {
    const s = setup()
    const reg = await register(s)
    const started = await begin(reg.client)
    started.url.searchParams.delete('state')
    const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    const params = oauth.validateAuthResponse(as, reg.client, redirect, oauth.expectNoState)
    const response = await oauth.authorizationCodeGrantRequest(as, reg.client, reg.auth, params, REDIRECT_URI, started.verifier, via(s))
    expect((await oauth.processAuthorizationCodeResponse(as, reg.client, response)).access_token).toMatch(/^gl_at_/)
  })

  it('RFC 6749 §4.1.3: the token request must repeat the redirect_uri of the authorization request', async () => {
    const s = setup()
    const reg = await register(s, { redirect_uris: [REDIRECT_URI, 'https://app.example/other'] })
    const started = await begin(reg.client)
    const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    await expect(redeem(s, reg, { ...started, redirectUri: 'https://app.example/other' }, redirect)).rejects.toMatchObject({
      error: 'invalid_grant',
    })
  })

  it('RFC 6749 §4.1.1: a user who is not signed in logs in and comes back to the same request', async () => {
    const s = setup()
    const reg = await register(s)
    const started = await begin(reg.client, { scope: 'write' })
    const login = await s.provider.handle(new Request(started.url))
    expect(login.status).toBe(302)
    const next = location(login, started.url).searchParams.get('next')
    expect(next).toMatch(/^\/o\/authorize\/\?/)
    const back = new URL(next!, started.url)
    const redirect = location(await authorizeAs(s, s.users.signIn('user-2'), back))
    const tokens = await redeem(s, reg, started, redirect)
    expect(tokens.scope).toBe('write')
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ sub: 'user-2' })
  })

  it('RFC 6749 §4.1.2: a code lives 60 s by default', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    const started = await begin(reg.client)
    const redirect = location(await authorizeAs(s, cookie, started.url))
    s.clock.advance(60)
    await expect(redeem(s, reg, started, redirect)).rejects.toMatchObject({ error: 'invalid_grant' })
  })
})

describe('consent reuse (DOT approval_prompt / skip_authorization)', () => {
  it('DOT approval_prompt=auto: a second authorization with covered scopes skips the consent page', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    await codeFlow(s, reg, cookie, { scope: 'read write' })

    const again = await begin(reg.client, { scope: 'read' })
    const response = await get(s, cookie, again.url)
    expect(response.status).toBe(302)
    const tokens = await redeem(s, reg, again, location(response))
    expect(tokens.scope).toBe('read')
  })

  it('DOT approval_prompt=auto: a scope beyond the earlier consent shows the page again', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    await codeFlow(s, reg, cookie, { scope: 'read' })
    const wider = await begin(reg.client, { scope: 'read write' })
    expect((await get(s, cookie, wider.url)).status).toBe(200)
  })

  it('DOT approval_prompt=auto: a consent belongs to its user', async () => {
    const s = setup()
    const reg = await register(s)
    await codeFlow(s, reg, s.users.signIn('user-1'), { scope: 'read' })
    const started = await begin(reg.client, { scope: 'read' })
    expect((await get(s, s.users.signIn('user-2'), started.url)).status).toBe(200)
  })

  it('DOT approval_prompt=force: the consent page shows again despite a covering consent', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    await codeFlow(s, reg, cookie, { scope: 'read' })
    const forced = await begin(reg.client, { scope: 'read', approval_prompt: 'force' })
    expect((await get(s, cookie, forced.url)).status).toBe(200)
    const tokens = await redeem(s, reg, forced, location(await authorizeAs(s, cookie, forced.url)))
    expect(tokens.scope).toBe('read')
  })

  it('DOT skip_authorization: a trusted client never shows the consent page', async () => {
    const s = setup()
    const reg = await register(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    for (const params of [{}, { approval_prompt: 'force' }] as Record<string, string>[]) {
      const started = await begin(reg.client, params)
      const response = await get(s, cookie, started.url)
      expect(response.status).toBe(302)
      const tokens = await redeem(s, reg, started, location(response))
      expect(tokens.scope).toBe('read write')
    }
  })

  it('RFC 6749 §10.12: the consent form is single-use and bound to the session that saw it', async () => {
    const s = setup()
    const reg = await register(s)
    const alice = s.users.signIn('user-1')
    const started = await begin(reg.client)
    const fields = consentFields(await (await get(s, alice, started.url)).text())
    const decide = (cookie: string) => {
      const { headers, ...init } = form({ ...fields, allow: 'Authorize' })
      return s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie } }))
    }
    const forged = await decide(s.users.signIn('user-2'))
    expect(forged.status).toBe(400)
    expect(forged.headers.get('location')).toBeNull()
    const approved = await decide(alice)
    expect(approved.status).toBe(303)
    expect(location(approved).searchParams.has('code')).toBe(true)
    const replayed = await decide(alice)
    expect(replayed.status).toBe(400)
    expect(replayed.headers.get('location')).toBeNull()
  })

  it('RFC 6749 §4.1.2.1: denying consent redirects access_denied with state and iss (RFC 9207)', async () => {
    const s = setup()
    const reg = await register(s)
    const cookie = s.users.signIn('user-1')
    const started = await begin(reg.client)
    const response = await authorizeAs(s, cookie, started.url, 'deny')
    expect(response.status).toBe(303)
    const redirect = location(response)
    expect(redirect.searchParams.get('state')).toBe(started.state)
    expect(redirect.searchParams.get('iss')).toBe(ISSUER)
    expect(redirect.searchParams.has('code')).toBe(false)
    expect(() => oauth.validateAuthResponse(as, reg.client, redirect, started.state)).toThrow(
      expect.objectContaining({ name: 'AuthorizationResponseError', error: 'access_denied' }),
    )
    // A denial records nothing: the next request asks again.
    expect((await get(s, cookie, (await begin(reg.client)).url)).status).toBe(200)
  })
})
