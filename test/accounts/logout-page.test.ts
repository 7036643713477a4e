import { describe, expect, it } from 'vitest'
import { field, ORIGIN, setCookie, setupAccounts } from './support.js'

describe('logout page (Django LogoutView)', () => {
  it('asks on GET and ends the session on a POST with CSRF: row deleted, cookie expired, 303 to the login page', async () => {
    const s = await setupAccounts()
    await s.logIn('alice', 'correct horse')
    const cookie = s.jar.header()
    const confirm = await s.browse('/accounts/logout/')
    expect(confirm.status).toBe(200)
    const html = await confirm.text()
    expect(html).toContain('Sign out?')
    // GET alone leaves the session alone.
    expect(await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie } }))).not.toBeNull()
    const response = await s.browse('/accounts/logout/', { form: { csrf: field(html, 'csrf') ?? '' } })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/accounts/login/')
    expect(setCookie(response, 'gl_session')).toMatch(/^gl_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Secure$/)
    expect(s.jar.cookies.has('gl_session')).toBe(false)
    // The old cookie no longer names a session, even if a client kept it.
    expect(await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie } }))).toBeNull()
  })

  it('follows a local next and refuses a foreign one', async () => {
    const s = await setupAccounts()
    await s.logIn('alice', 'correct horse')
    const csrf = field(await (await s.browse('/accounts/logout/?next=/bye')).text(), 'csrf') ?? ''
    expect((await s.browse('/accounts/logout/', { form: { csrf, next: '/bye' } })).headers.get('location')).toBe('/bye')
    await s.logIn('alice', 'correct horse')
    // The login rotated gl_csrf: the old form's value is dead (403); a fresh form works.
    expect((await s.browse('/accounts/logout/', { form: { csrf, next: '/bye' } })).status).toBe(403)
    const fresh = field(await (await s.browse('/accounts/logout/')).text(), 'csrf') ?? ''
    expect((await s.browse('/accounts/logout/', { form: { csrf: fresh, next: '//evil.example' } })).headers.get('location')).toBe(
      '/accounts/login/',
    )
  })

  it('refuses a POST without a valid CSRF value (403) and keeps the session', async () => {
    const s = await setupAccounts()
    await s.logIn('alice', 'correct horse')
    const cookie = s.jar.header()
    const login = field(await (await s.browse('/accounts/login/')).text(), 'csrf') ?? ''
    for (const form of [{}, { csrf: 'x' }, { csrf: login }] as Record<string, string>[]) {
      const response = await s.browse('/accounts/logout/', { form })
      expect(response.status).toBe(403)
    }
    expect(await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie } }))).not.toBeNull()
  })

  it('says so when nobody is signed in', async () => {
    const s = await setupAccounts()
    expect(await (await s.browse('/accounts/logout')).text()).toContain('You are not signed in.')
  })
})
