import type { GrantHandler, ProviderConfig } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { field } from '../accounts/support.js'
import { csrfFor, get as managePage, post as managePost, TOKENS } from '../manage/helpers.js'
import { granted, KEY_ENCRYPTION_KEY, ORIGIN, setupOidc } from '../oidc/userinfo/support.js'
import { authorizeUrl, createClient, obtainCode, obtainTokens, pkcePair, post, redeem } from '../security/support.js'
import { authorizeAs, basic, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { expectNoSecret, expectStamped, recorder } from './support.js'

const WITH_ALL_GRANTS = { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'implicit'] }

function setupRecorded(overrides: Partial<ProviderConfig> = {}) {
  const rec = recorder()
  const s = setup({ onEvent: rec.onEvent, ...WITH_ALL_GRANTS, ...overrides })
  const at = () => Math.floor(s.clock.now() / 1000)
  return { ...s, rec, at }
}

/** A client_credentials request of `c`, built by hand to call `handle` with extra arguments. */
const tokenRequest = (c: { client_id: string; client_secret: string }) =>
  new Request(`${ISSUER}/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.client_id, c.client_secret) },
    body: 'grant_type=client_credentials',
  })

const basicAuth = (c: { client_id: string; client_secret: string }) => ({ id: c.client_id, secret: c.client_secret })

describe('audit events (onEvent): every type, with its fields and never a secret', () => {
  it('token.issued (authorization_code) after consent.granted: client, user, scopes and family id, no token', async () => {
    const s = setupRecorded()
    const c = await createClient(s)
    const tokens = await obtainTokens(s, c)
    const [consent] = s.rec.of('consent.granted')
    expect(consent).toEqual({
      type: 'consent.granted',
      at: s.at(),
      client_id: c.client_id,
      sub: 'user-1',
      scopes: ['read', 'write'],
      consent_id: expect.any(String),
    })
    const [issued] = s.rec.of('token.issued')
    expect(issued).toEqual({
      type: 'token.issued',
      at: s.at(),
      grant_type: 'authorization_code',
      client_id: c.client_id,
      sub: 'user-1',
      scopes: ['read', 'write'],
      family_id: expect.any(String),
    })
    expect(s.rec.events.map((e) => e.type)).toEqual(['consent.granted', 'token.issued'])
    expectNoSecret(s.rec.events, [tokens.access_token, tokens.refresh_token, c.client_secret])
  })

  it('token.issued (client_credentials, password, implicit); login.failed for a wrong password grant, username only', async () => {
    const s = setupRecorded()
    const machine = await createClient(s, { grant_types: ['client_credentials'] })
    const cc = (await (await post(s, 'token', { grant_type: 'client_credentials', scope: 'read' }, basicAuth(machine))).json()) as Record<
      string,
      string
    >
    const legacy = await createClient(s, { grant_types: ['password'] })
    const pw = await post(s, 'token', { grant_type: 'password', username: 'alice', password: 'correct horse' }, basicAuth(legacy))
    const wrong = await post(s, 'token', { grant_type: 'password', username: 'alice', password: 'not-the-password' }, basicAuth(legacy))
    expect(wrong.status).toBe(400)
    const spa = await createClient(s, { grant_types: ['implicit'], client_type: 'public' })
    const implicit = await authorizeAs(
      s,
      s.users.signIn('user-2'),
      authorizeUrl({ client_id: spa.client_id, response_type: 'token', redirect_uri: REDIRECT_URI, state: 's', scope: 'read' }),
    )
    const fragment = new URLSearchParams(new URL(implicit.headers.get('location') ?? '').hash.slice(1))

    const issued = s.rec.of('token.issued')
    expect(issued.map((e) => [e.grant_type, e.client_id, e.sub, e.scopes])).toEqual([
      ['client_credentials', machine.client_id, null, ['read']],
      ['password', legacy.client_id, 'user-1', ['read', 'write']],
      ['implicit', spa.client_id, 'user-2', ['read']],
    ])
    expect(s.rec.of('login.failed')).toEqual([
      { type: 'login.failed', at: s.at(), via: 'password_grant', username: 'alice', client_id: legacy.client_id },
    ])
    expectStamped(s.rec.events, s.at())
    expectNoSecret(s.rec.events, [
      cc.access_token,
      ((await pw.json()) as Record<string, string>).access_token,
      fragment.get('access_token') ?? undefined,
      'not-the-password',
      'correct horse',
      machine.client_secret,
      legacy.client_secret,
    ])
  })

  it('RFC 6749 §4: each issuance reports exactly one token.issued (code, client_credentials, password, implicit, an extension grant); a refresh reports none', async () => {
    const extension: GrantHandler = { grantType: 'urn:example:once', handle: ({ issue }) => issue({ scopes: ['read'] }) }
    const s = setupRecorded({ grants: [extension] })
    const issuedBy = async (step: () => Promise<unknown>) => {
      const before = s.rec.of('token.issued').length
      await step()
      return s.rec
        .of('token.issued')
        .slice(before)
        .map((e) => e.grant_type)
    }
    const c = await createClient(s)
    let refreshToken = ''
    expect(
      await issuedBy(async () => {
        refreshToken = (await obtainTokens(s, c)).refresh_token
      }),
    ).toEqual(['authorization_code'])
    expect(await issuedBy(() => post(s, 'token', { grant_type: 'refresh_token', refresh_token: refreshToken }, basicAuth(c)))).toEqual([])
    expect(s.rec.of('token.refreshed')).toHaveLength(1)
    const machine = await createClient(s, { grant_types: ['client_credentials', 'urn:example:once'] })
    expect(await issuedBy(() => post(s, 'token', { grant_type: 'client_credentials' }, basicAuth(machine)))).toEqual(['client_credentials'])
    expect(await issuedBy(() => post(s, 'token', { grant_type: 'urn:example:once' }, basicAuth(machine)))).toEqual(['urn:example:once'])
    const legacy = await createClient(s, { grant_types: ['password'] })
    const password = { grant_type: 'password', username: 'alice', password: 'correct horse' }
    expect(await issuedBy(() => post(s, 'token', password, basicAuth(legacy)))).toEqual(['password'])
    const spa = await createClient(s, { grant_types: ['implicit'], client_type: 'public' })
    const implicit = authorizeUrl({
      client_id: spa.client_id,
      response_type: 'token',
      redirect_uri: REDIRECT_URI,
      state: 's',
      scope: 'read',
    })
    expect(await issuedBy(() => authorizeAs(s, s.users.signIn('user-2'), implicit))).toEqual(['implicit'])
    const families = s.rec.of('token.issued').map((e) => e.family_id)
    expect(new Set(families).size).toBe(families.length)
  })

  it('RFC 9700 §4.14.2: token.refreshed on rotation, then refresh_token.reused names the revoked family', async () => {
    const s = setupRecorded()
    const c = await createClient(s)
    const first = await obtainTokens(s, c)
    const rotated = (await (
      await post(s, 'token', { grant_type: 'refresh_token', refresh_token: first.refresh_token, scope: 'read' }, basicAuth(c))
    ).json()) as Record<string, string>
    const replay = await post(s, 'token', { grant_type: 'refresh_token', refresh_token: first.refresh_token }, basicAuth(c))
    expect(replay.status).toBe(400)
    const [issued] = s.rec.of('token.issued')
    expect(s.rec.of('token.refreshed')).toEqual([
      { type: 'token.refreshed', at: s.at(), client_id: c.client_id, sub: 'user-1', scopes: ['read'], family_id: issued?.family_id },
    ])
    expect(s.rec.of('refresh_token.reused')).toEqual([
      { type: 'refresh_token.reused', at: s.at(), client_id: c.client_id, sub: 'user-1', family_id: issued?.family_id },
    ])
    expectNoSecret(s.rec.events, [first.access_token, first.refresh_token, rotated.access_token, rotated.refresh_token, c.client_secret])
  })

  it('RFC 6749 §4.1.2, RFC 9700 §4.5: code.replayed for a second redemption and for another client', async () => {
    const s = setupRecorded()
    const c = await createClient(s)
    const attacker = await createClient(s)
    const one = await obtainCode(s, c)
    await redeem(s, c, one.code, { code_verifier: one.verifier as string })
    await redeem(s, c, one.code, { code_verifier: one.verifier as string })
    const two = await obtainCode(s, c, { cookie: one.cookie })
    await redeem(s, attacker, two.code, { code_verifier: two.verifier as string })
    const [first] = s.rec.of('token.issued')
    expect(s.rec.of('code.replayed')).toEqual([
      { type: 'code.replayed', at: s.at(), client_id: c.client_id, family_id: first?.family_id, reason: 'reused' },
      { type: 'code.replayed', at: s.at(), client_id: attacker.client_id, family_id: expect.any(String), reason: 'other_client' },
    ])
    expectNoSecret(s.rec.events, [one.code, two.code, one.verifier, two.verifier, c.client_secret, attacker.client_secret])
  })

  it('RFC 7009 §2.1: token.revoked by the revocation endpoint names the token type and family', async () => {
    const s = setupRecorded()
    const c = await createClient(s)
    const a = await obtainTokens(s, c)
    const b = await obtainTokens(s, c)
    expect((await post(s, 'revoke_token', { token: a.access_token }, basicAuth(c))).status).toBe(200)
    expect((await post(s, 'revoke_token', { token: b.refresh_token }, basicAuth(c))).status).toBe(200)
    // Unknown tokens revoke nothing, so they report nothing.
    expect((await post(s, 'revoke_token', { token: 'gl_at_unknown' }, basicAuth(c))).status).toBe(200)
    const [familyA, familyB] = s.rec.of('token.issued').map((e) => e.family_id)
    expect(s.rec.of('token.revoked')).toEqual([
      {
        type: 'token.revoked',
        at: s.at(),
        by: 'revocation_endpoint',
        client_id: c.client_id,
        sub: 'user-1',
        family_id: familyA,
        token_type: 'access_token',
      },
      {
        type: 'token.revoked',
        at: s.at(),
        by: 'revocation_endpoint',
        client_id: c.client_id,
        sub: 'user-1',
        family_id: familyB,
        token_type: 'refresh_token',
      },
    ])
    expectNoSecret(s.rec.events, [a.access_token, a.refresh_token, b.access_token, b.refresh_token, c.client_secret])
  })

  it('token.revoked by consent: the authorized-tokens page revokes the grant', async () => {
    const s = setupRecorded()
    const c = await createClient(s)
    const { cookie } = await obtainCode(s, c)
    const html = await (await managePage(s, TOKENS, cookie)).text()
    const path = /href="(\/o\/authorized_tokens\/[^"]+\/delete\/)"/.exec(html)?.[1] ?? ''
    expect((await managePost(s, path, cookie, { csrf: await csrfFor(s, cookie) })).status).toBe(303)
    const [grantedEvent] = s.rec.of('consent.granted')
    expect(s.rec.of('token.revoked')).toEqual([
      { type: 'token.revoked', at: s.at(), by: 'consent', client_id: c.client_id, sub: 'user-1', consent_id: grantedEvent?.consent_id },
    ])
  })

  it('token.revoked by logout (oidc.revokeOnLogout), once the user confirmed', async () => {
    const rec = recorder()
    const s = await setupOidc({
      onEvent: rec.onEvent,
      oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256', revokeOnLogout: true },
    })
    const { jar, tokens, reg } = await granted(s, 'openid')
    const confirm = await s.provider.handle(
      new Request(`${ISSUER}/logout/?id_token_hint=${tokens.id_token}`, { headers: { cookie: jar.header() } }),
    )
    const csrf = field(await confirm.text(), 'csrf') ?? ''
    const body = new URLSearchParams({ csrf, id_token_hint: tokens.id_token ?? '' })
    await s.provider.handle(
      new Request(`${ISSUER}/logout/`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
    )
    expect(rec.of('token.revoked')).toEqual([
      {
        type: 'token.revoked',
        at: Math.floor(s.clock.now() / 1000),
        by: 'logout',
        client_id: reg.client.client_id,
        sub: s.alice.sub,
        consent_id: rec.of('consent.granted')[0]?.consent_id,
      },
    ])
    expectNoSecret(rec.events, [tokens.access_token, tokens.refresh_token, tokens.id_token, reg.secret])
  })

  it('consent.denied: the user refused on the consent page', async () => {
    const s = setupRecorded()
    const c = await createClient(s)
    const { challenge } = await pkcePair()
    const url = authorizeUrl({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'read',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const denied = await authorizeAs(s, s.users.signIn('user-2'), url, 'deny')
    expect(denied.headers.get('location')).toContain('error=access_denied')
    expect(s.rec.events).toEqual([{ type: 'consent.denied', at: s.at(), client_id: c.client_id, sub: 'user-2', scopes: ['read'] }])
  })

  it('login.failed on the localAccounts login form: invalid credentials, then locked_out (429); never the password', async () => {
    const rec = recorder()
    const s = await setupOidc({ onEvent: rec.onEvent, clientAddress: () => '198.51.100.7' })
    const attempt = async (password: string) => {
      const page = await s.provider.handle(new Request(`${ORIGIN}/accounts/login/`))
      const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? ''
      const body = new URLSearchParams({ csrf: field(await page.text(), 'csrf') ?? '', username: 'alice', password })
      return s.provider.handle(
        new Request(`${ORIGIN}/accounts/login/`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }),
      )
    }
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-password-${i}`)).status).toBe(200)
    const locked = await attempt('wrong-password-5')
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('900')
    const failures = rec.of('login.failed')
    expect(failures).toHaveLength(6)
    expect(failures[0]).toEqual({
      type: 'login.failed',
      at: Math.floor(s.clock.now() / 1000),
      via: 'login_form',
      username: 'alice',
      reason: 'invalid_credentials',
      // The provider's address reaches the login form: failures are counted per address too.
      address: '198.51.100.7',
    })
    expect(failures[5]?.reason).toBe('locked_out')
    expectNoSecret(rec.events, ['wrong-password-0', 'wrong-password-5', 'correct horse'])
  })

  it('RFC 6749 §2.3: client_authentication.failed names the client_id and address, never the presented secret', async () => {
    const s = setupRecorded({ clientAddress: () => '192.0.2.1' })
    const c = await createClient(s)
    await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: 'gl_cs_guessed-secret-value' })
    // A client that sends a secret where its id belongs: the value is left out.
    await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_secret, secret: c.client_secret })
    expect(s.rec.events).toEqual([
      { type: 'client_authentication.failed', at: s.at(), reason: 'invalid_credentials', client_id: c.client_id, address: '192.0.2.1' },
      { type: 'client_authentication.failed', at: s.at(), reason: 'invalid_credentials', address: '192.0.2.1' },
    ])
    expectNoSecret(s.rec.events, ['gl_cs_guessed-secret-value', c.client_secret])
  })
})

describe('audit event delivery never breaks a request', () => {
  it('an onEvent that throws: the token response is still 200', async () => {
    const s = setup({
      onEvent: () => {
        throw new Error('audit sink down')
      },
    })
    const c = await createClient(s)
    const tokens = await obtainTokens(s, c)
    expect(tokens.access_token).toMatch(/^gl_at_/)
    expect((await post(s, 'token', { grant_type: 'client_credentials' }, { id: c.client_id, secret: 'wrong' })).status).toBe(401)
  })

  it('an onEvent that rejects: the response is unaffected and the rejection is handled (vitest fails on an unhandled one)', async () => {
    let calls = 0
    const s = setup({
      onEvent: async () => {
        calls++
        throw new Error('audit sink down')
      },
    })
    const c = await createClient(s)
    const tokens = await obtainTokens(s, c)
    expect(tokens.refresh_token).toMatch(/^gl_rt_/)
    expect(calls).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 10))
  })

  it("Workers' (request, env, ctx): ctx.waitUntil gets the hook's promise, called as ctx's method", async () => {
    const delivered: string[] = []
    const s = setup({
      onEvent: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        delivered.push(event.type)
      },
    })
    const c = await createClient(s, { grant_types: ['client_credentials'] })
    const pending: Promise<unknown>[] = []
    const ctx = {
      waitUntil(this: unknown, promise: Promise<unknown>) {
        // workerd throws "Illegal invocation" when waitUntil is called detached.
        if (this !== ctx) throw new TypeError('Illegal invocation')
        pending.push(promise)
      },
    }
    const env = { DB: {} }
    const response = await s.provider.handle(tokenRequest(c), env, ctx)
    expect(response.status).toBe(200)
    expect(pending).toHaveLength(1)
    expect(delivered).toEqual([])
    await Promise.all(pending)
    expect(delivered).toEqual(['token.issued'])
  })

  it("a runtime's other second argument (Deno's info, Bun's server) is ignored", async () => {
    const rec = recorder()
    const s = setup({ onEvent: rec.onEvent })
    const c = await createClient(s, { grant_types: ['client_credentials'] })
    const response = await s.provider.handle(
      tokenRequest(c),
      { remoteAddr: { hostname: '127.0.0.1' }, completed: Promise.resolve() },
      null,
      42,
    )
    expect(response.status).toBe(200)
    expect(rec.of('token.issued')).toHaveLength(1)
  })
})
