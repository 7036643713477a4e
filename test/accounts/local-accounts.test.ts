import { ConfigError, localAccounts, memoryAccountStore } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { ORIGIN, SECRET, setupAccounts } from './support.js'

describe('localAccounts as Accounts', () => {
  it('loginResponse redirects to the login page with next', async () => {
    const s = await setupAccounts()
    const response = await s.accounts.loginResponse(new Request(`${ORIGIN}/o/authorize/`), { returnTo: '/o/authorize/?a=1&b=2' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/accounts/login/?next=%2Fo%2Fauthorize%2F%3Fa%3D1%26b%3D2')
  })

  it('logout ends the session and goes to the validated returnTo', async () => {
    const s = await setupAccounts()
    await s.logIn('alice', 'correct horse')
    const request = new Request(`${ORIGIN}/o/logout/`, { headers: { cookie: s.jar.header() } })
    const response = await s.accounts.logout(request, { returnTo: 'https://rp.example/bye' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('https://rp.example/bye')
    expect(response.headers.getSetCookie()[0]).toContain('Max-Age=0')
    expect(await s.accounts.current(request)).toBeNull()
  })

  it('verifyPassword serves the password grant', async () => {
    const s = await setupAccounts()
    expect(await s.accounts.verifyPassword('alice', 'correct horse')).toEqual({ sub: s.alice.sub })
    expect(await s.accounts.verifyPassword('alice', 'nope')).toBeNull()
    expect(await s.accounts.verifyPassword('nobody', 'correct horse')).toBeNull()
  })

  it('releases stored claims by scope (OIDC Core §5.4), sub always', async () => {
    const s = await setupAccounts()
    const claims = (scopes: string[]) => s.accounts.claims(s.alice.sub, { scopes, clientId: 'c', use: 'userinfo' })
    expect(await claims(['openid'])).toEqual({ sub: s.alice.sub })
    expect(await claims(['openid', 'profile'])).toEqual({ sub: s.alice.sub, name: 'Alice' })
    expect(await claims(['openid', 'email', 'phone'])).toEqual({
      sub: s.alice.sub,
      email: 'alice@example.com',
      email_verified: true,
      phone_number: '+1 555 0100',
    })
    // The claims parameter does not release claims beyond the approved scopes; non-standard ones never.
    expect(
      await s.accounts.claims(s.alice.sub, {
        scopes: ['openid'],
        claims: { userinfo: { email: null, groups: null }, id_token: undefined },
        clientId: 'c',
        use: 'userinfo',
      }),
    ).toEqual({ sub: s.alice.sub })
    expect(await s.accounts.username(s.alice.sub)).toBe('alice')
    expect(await s.accounts.username('nobody')).toBeUndefined()
  })

  it('refuses bad options at start-up with a coded ConfigError', () => {
    const store = memoryAccountStore()
    const bad = [
      {},
      { secrets: [] },
      { secrets: ['short'] },
      { secrets: [SECRET], iterations: 0 },
      { secrets: [SECRET], iterations: 10_000_000 },
      { secrets: [SECRET], loginPath: 'accounts/login' },
      { secrets: [SECRET], loginPath: '/x/', logoutPath: '/x/' },
    ]
    for (const options of bad) {
      expect(() => localAccounts(store, options as never)).toThrow(ConfigError)
    }
  })

  it('serves other paths when configured, with or without the trailing slash', async () => {
    const s = await setupAccounts({ loginPath: '/login/', logoutPath: '/logout/' })
    expect(s.accounts.pages.owns(new Request(`${ORIGIN}/login`))).toBe(true)
    expect(s.accounts.pages.owns(new Request(`${ORIGIN}/logout/`))).toBe(true)
    expect(s.accounts.pages.owns(new Request(`${ORIGIN}/accounts/login/`))).toBe(false)
    const response = await s.accounts.loginResponse(new Request(ORIGIN), { returnTo: '/o/authorize/' })
    expect(response.headers.get('location')).toBe('/login/?next=%2Fo%2Fauthorize%2F')
  })
})

describe('localAccounts users API (CLI)', () => {
  it('creates, lists, sets passwords and deletes users with their sessions', async () => {
    const s = await setupAccounts()
    const bob = await s.accounts.users.create({ username: 'bob', password: 'battery staple' })
    expect(bob.password_hash).toMatch(/^pbkdf2_sha256\$1000\$/)
    expect(bob.created_at).toBe(Math.floor(s.clock.now() / 1000))
    await expect(s.accounts.users.create({ username: 'bob', password: 'x' })).rejects.toMatchObject({ code: 'ERR_USERNAME_TAKEN' })
    await expect(s.accounts.users.create({ username: 'bad name', password: 'x' })).rejects.toMatchObject({ code: 'ERR_INVALID_USERNAME' })
    await expect(s.accounts.users.create({ username: 'carol', password: '' })).rejects.toMatchObject({ code: 'ERR_INVALID_PASSWORD' })
    expect((await s.accounts.users.list()).map((u) => u.username).sort()).toEqual(['alice', 'bob'])

    await s.accounts.users.setPassword('bob', 'new password')
    expect(await s.accounts.verifyPassword('bob', 'battery staple')).toBeNull()
    expect(await s.accounts.verifyPassword('bob', 'new password')).toEqual({ sub: bob.sub })
    await s.accounts.users.setPassword(bob.sub, 'newer password')
    expect(await s.accounts.verifyPassword('bob', 'newer password')).toEqual({ sub: bob.sub })
    await expect(s.accounts.users.setPassword('nobody', 'x')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_USER' })

    await s.logIn('bob', 'newer password')
    const cookie = s.jar.header()
    await s.accounts.users.delete(bob.sub)
    expect(await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie } }))).toBeNull()
    expect((await s.accounts.users.list()).map((u) => u.username)).toEqual(['alice'])
  })
})
