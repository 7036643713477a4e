import { hashDjangoPassword, verifyDjangoPassword } from '@grantline/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { field, ORIGIN, setCookie, setupAccounts, TEST_ITERATIONS } from './support.js'

describe('login page (Django LoginView)', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('shows an accessible form with a CSRF field, a pre-session cookie and the page headers', async () => {
    const s = await setupAccounts()
    const response = await s.browse('/accounts/login/?next=/o/authorize/%3Fclient_id%3Dx')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(response.headers.get('content-security-policy')).toContain("form-action 'self'")
    const html = await response.text()
    expect(html).toContain('<label for="id_username">')
    expect(html).toContain('<label for="id_password">')
    expect(html).toContain('autocomplete="current-password"')
    expect(field(html, 'next')).toBe('/o/authorize/?client_id=x')
    expect(field(html, 'csrf')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(setCookie(response, 'gl_csrf')).toMatch(/^gl_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/)
  })

  it('signs in with a cookie jar and sets gl_session HttpOnly; SameSite=Lax; Path=/; Secure on https', async () => {
    const s = await setupAccounts()
    const response = await s.logIn('alice', 'correct horse', '/somewhere?x=1')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/somewhere?x=1')
    const line = setCookie(response, 'gl_session') ?? ''
    expect(line).toMatch(/^gl_session=[A-Za-z0-9_-]{43}; /)
    expect(line.split('; ').slice(1).sort()).toEqual(['HttpOnly', `Max-Age=${14 * 86400}`, 'Path=/', 'SameSite=Lax', 'Secure'])
    const session = await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie: s.jar.header() } }))
    expect(session).toMatchObject({ sub: s.alice.sub, authTime: Math.floor(s.clock.now() / 1000), amr: ['pwd'] })
    // The store holds only the SHA-256 of the cookie value.
    const id = s.jar.cookies.get('gl_session') ?? ''
    expect(await s.store.getSession(id, 0)).toBeNull()
    expect(session?.sessionId).toMatch(/^[0-9a-f]{64}$/)
  })

  it('leaves Secure off on plain http unless configured', async () => {
    const plain = await setupAccounts()
    const response = await plain.logIn('alice', 'correct horse', undefined, 'http://127.0.0.1:8080')
    expect(response.status).toBe(303)
    expect(setCookie(response, 'gl_session')).not.toContain('Secure')
    const forced = await setupAccounts({ secureCookies: true })
    expect(setCookie(await forced.logIn('alice', 'correct horse', undefined, 'http://127.0.0.1:8080'), 'gl_session')).toContain('; Secure')
  })

  it('answers a wrong password and an unknown user with the same message, 200, and no session', async () => {
    const s = await setupAccounts()
    const wrong = await s.logIn('alice', 'wrong')
    const unknown = await s.logIn('mallory', 'correct horse')
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(200)
      expect(setCookie(response, 'gl_session')).toBeUndefined()
    }
    const [a, b] = [await wrong.text(), await unknown.text()]
    expect(a).toContain('Please enter a correct username and password.')
    expect(b.replace(/value="[^"]*"/g, '')).toBe(a.replace(/value="[^"]*"/g, ''))
    expect(field(a, 'username')).toBe('alice')
  })

  it('runs one PBKDF2 derivation for an unknown user, as for a known one (no timing oracle)', async () => {
    const s = await setupAccounts()
    const derive = vi.spyOn(crypto.subtle, 'deriveBits')
    await s.logIn('alice', 'wrong')
    expect(derive).toHaveBeenCalledTimes(1)
    await s.logIn('mallory', 'wrong')
    expect(derive).toHaveBeenCalledTimes(2)
    const [params] = derive.mock.calls[1] ?? []
    expect(params).toMatchObject({ name: 'PBKDF2', iterations: TEST_ITERATIONS })
  })

  it('locks a username out after maxFailures with 429 and Retry-After, without checking the password, and lifts it after the window', async () => {
    const s = await setupAccounts({ maxFailures: 3, lockoutSeconds: 600 })
    for (let i = 0; i < 3; i++) expect((await s.logIn('alice', `wrong ${i}`)).status).toBe(200)
    const locked = await s.logIn('alice', 'correct horse')
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('600')
    expect(await locked.text()).toContain('Too many failed sign-in attempts')
    expect(setCookie(locked, 'gl_session')).toBeUndefined()
    // The password grant shares the lockout.
    expect(await s.accounts.verifyPassword('alice', 'correct horse')).toBeNull()
    s.clock.advance(599)
    expect((await s.logIn('alice', 'correct horse')).status).toBe(429)
    s.clock.advance(1)
    const after = await s.logIn('alice', 'correct horse')
    expect(after.status).toBe(303)
    expect(setCookie(after, 'gl_session')).toBeDefined()
  })

  it('locks unknown usernames the same way', async () => {
    const s = await setupAccounts({ maxFailures: 2 })
    expect((await s.logIn('ghost', 'x')).status).toBe(200)
    expect((await s.logIn('ghost', 'x')).status).toBe(200)
    expect((await s.logIn('ghost', 'x')).status).toBe(429)
  })

  it('RFC 6585 §4: password spraying: maxFailuresPerAddress failures from the address the provider lends, across usernames, lock that address only', async () => {
    const s = await setupAccounts({ maxFailures: 2, maxFailuresPerAddress: 3 })
    const from = (username: string, password: string, address: string) => s.logIn(username, password, undefined, undefined, address)
    for (const username of ['u1', 'u2', 'u3']) expect((await from(username, 'x', '203.0.113.9')).status).toBe(200)
    const locked = await from('alice', 'correct horse', '203.0.113.9')
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBe('900')
    expect((await from('alice', 'correct horse', '198.51.100.7')).status).toBe(303)
  })

  it('RFC 6585 §4: without an address only the username is counted: spraying from nowhere in particular is limited per username', async () => {
    const s = await setupAccounts({ maxFailuresPerAddress: 1 })
    for (const username of ['u1', 'u2', 'u3']) expect((await s.logIn(username, 'x')).status).toBe(200)
    expect((await s.logIn('alice', 'correct horse')).status).toBe(303)
  })

  it('refuses the removed clientAddress option with a coded ConfigError: the provider lends the address', async () => {
    await expect(setupAccounts({ clientAddress: () => '203.0.113.9' } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_CONFIG',
      message: expect.stringContaining('createProvider'),
    })
  })

  it('clears the failures on success', async () => {
    const s = await setupAccounts({ maxFailures: 2 })
    await s.logIn('alice', 'wrong')
    expect((await s.logIn('alice', 'correct horse')).status).toBe(303)
    await s.logIn('alice', 'wrong')
    expect((await s.logIn('alice', 'correct horse')).status).toBe(303)
  })

  it('refuses a missing or tampered CSRF value with a 403 page', async () => {
    const s = await setupAccounts()
    const html = await (await s.browse('/accounts/login/')).text()
    const csrf = field(html, 'csrf') ?? ''
    const tampered = `${csrf.slice(0, -1)}${csrf.endsWith('A') ? 'B' : 'A'}`
    for (const form of [
      { username: 'alice', password: 'correct horse' } as Record<string, string>,
      { username: 'alice', password: 'correct horse', csrf: tampered },
    ]) {
      const response = await s.browse('/accounts/login/', { form })
      expect(response.status).toBe(403)
      expect(await response.text()).toContain('CSRF verification failed')
      expect(setCookie(response, 'gl_session')).toBeUndefined()
    }
    // A valid value without the cookie it is bound to fails too.
    s.jar.cookies.delete('gl_csrf')
    expect((await s.browse('/accounts/login/', { form: { username: 'alice', password: 'correct horse', csrf } })).status).toBe(403)
    // Another browser's value does not fit this browser's cookie.
    const other = await setupAccounts()
    const theirs = field(await (await other.browse('/accounts/login/')).text(), 'csrf') ?? ''
    await s.browse('/accounts/login/')
    expect((await s.browse('/accounts/login/', { form: { username: 'alice', password: 'correct horse', csrf: theirs } })).status).toBe(403)
  })

  it.each([
    ['//evil.example'],
    ['https://evil.example'],
    ['/\\evil.example'],
    ['/\t/evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
  ])('sends next=%j to / (open redirect)', async (next) => {
    const s = await setupAccounts()
    const html = await (await s.browse(`/accounts/login/?next=${encodeURIComponent(next)}`)).text()
    expect(field(html, 'next')).toBeUndefined()
    // Posted directly, bypassing the form, it is refused as well.
    const response = await s.browse('/accounts/login/', {
      form: { csrf: field(html, 'csrf') ?? '', username: 'alice', password: 'correct horse', next },
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/')
  })

  it('renews the session id at every login and ends the old session', async () => {
    const s = await setupAccounts()
    await s.logIn('alice', 'correct horse')
    const first = s.jar.cookies.get('gl_session')
    const before = await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie: s.jar.header() } }))
    await s.logIn('alice', 'correct horse')
    const second = s.jar.cookies.get('gl_session')
    expect(second).not.toBe(first)
    expect(await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie: `gl_session=${first}` } }))).toBeNull()
    const after = await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie: `gl_session=${second}` } }))
    expect(after?.sessionId).not.toBe(before?.sessionId)
  })

  it('ignores a session planted before login (fixation) and rotates gl_csrf at login', async () => {
    const s = await setupAccounts()
    s.jar.cookies.set('gl_session', 'A'.repeat(43))
    await s.browse('/accounts/login/')
    const csrfBefore = s.jar.cookies.get('gl_csrf')
    await s.logIn('alice', 'correct horse')
    expect(s.jar.cookies.get('gl_session')).not.toBe('A'.repeat(43))
    expect(s.jar.cookies.get('gl_csrf')).not.toBe(csrfBefore)
  })

  it('expires sessions after sessionTtl', async () => {
    const s = await setupAccounts({ sessionTtl: 3600 })
    await s.logIn('alice', 'correct horse')
    const request = () => new Request(`${ORIGIN}/`, { headers: { cookie: s.jar.header() } })
    s.clock.advance(3599)
    expect(await s.accounts.current(request())).not.toBeNull()
    s.clock.advance(1)
    expect(await s.accounts.current(request())).toBeNull()
  })

  it('rehashes the password at login when the stored count differs from the configured one', async () => {
    const s = await setupAccounts({ iterations: 1200 })
    expect(s.alice.password_hash).toMatch(/^pbkdf2_sha256\$1200\$/)
    // An imported Django hash made with another count (and a strong salt).
    await s.store.updateUser({ ...s.alice, password_hash: await hashDjangoPassword('correct horse', 1000) })
    expect((await s.logIn('alice', 'correct horse')).status).toBe(303)
    const rehashed = (await s.store.getUser(s.alice.sub))?.password_hash ?? ''
    expect(rehashed).toMatch(/^pbkdf2_sha256\$1200\$[A-Za-z0-9]{22}\$/)
    expect(await verifyDjangoPassword('correct horse', rehashed, { iterations: 1200 })).toEqual({ ok: true, needsRehash: false })
    // The same count: left alone.
    await s.logIn('alice', 'correct horse')
    expect((await s.store.getUser(s.alice.sub))?.password_hash).toBe(rehashed)
  })

  it('answers a malformed submission with 400 and other methods with 405', async () => {
    const s = await setupAccounts()
    const json = await s.accounts.pages.handle(
      new Request(`${ORIGIN}/accounts/login/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    )
    expect(json.status).toBe(400)
    const repeated = await s.accounts.pages.handle(
      new Request(`${ORIGIN}/accounts/login/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=a&username=b',
      }),
    )
    expect(repeated.status).toBe(400)
    const put = await s.accounts.pages.handle(new Request(`${ORIGIN}/accounts/login/`, { method: 'PUT' }))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST')
  })
})
