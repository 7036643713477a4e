import { generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { type CookieJar, field } from '../../accounts/support.js'
import { refresh, register } from '../../e2e/support.js'
import { ISSUER, setup } from '../../support/provider.js'
import { codeFlow, granted, KEY_ENCRYPTION_KEY, type OidcSetup, ORIGIN, setupOidc, signIn } from '../userinfo/support.js'

const LOGOUT = `${ISSUER}/logout/`
const SIGNED_OUT = 'https://app.example/signed-out'

const logoutUrl = (params: Record<string, string>) => `${LOGOUT}?${new URLSearchParams(params)}`

/** A browser request carrying (and keeping) the jar's cookies. */
async function browse(s: OidcSetup, jar: CookieJar | undefined, url: string, formFields?: Record<string, string>): Promise<Response> {
  const headers = new Headers(jar && jar.cookies.size > 0 ? { cookie: jar.header() } : {})
  if (formFields) headers.set('content-type', 'application/x-www-form-urlencoded')
  const response = await s.provider.handle(
    new Request(url, { method: formFields ? 'POST' : 'GET', headers, ...(formFields ? { body: new URLSearchParams(formFields) } : {}) }),
  )
  jar?.store(response)
  return response
}

/** The hidden fields of the confirmation form, as a browser would post them back. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[name!] = value!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
  }
  return fields
}

/** Whether the jar's session cookie still names a session. */
async function signedIn(s: OidcSetup, cookie: string): Promise<boolean> {
  return (await s.accounts.current(new Request(`${ORIGIN}/`, { headers: { cookie } }))) !== null
}

/** A client with a registered post-logout URI that went through the code flow with openid. */
async function loggedInRp(s: OidcSetup) {
  const result = await granted(s, 'openid profile', { post_logout_redirect_uris: [SIGNED_OUT] })
  return { ...result, idToken: result.tokens.id_token! }
}

const userinfo = (s: OidcSetup, accessToken: string) =>
  s.provider.handle(new Request(`${ISSUER}/userinfo/`, { headers: { authorization: `Bearer ${accessToken}` } }))

describe('RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0)', () => {
  it('§2-§3: id_token_hint + registered post_logout_redirect_uri + state: confirmation, then the session ends and the browser goes back with state', async () => {
    const s = await setupOidc()
    expect(s.as.end_session_endpoint).toBe(LOGOUT)
    const { jar, idToken } = await loggedInRp(s)
    const cookie = jar.header()

    const confirm = await browse(s, jar, logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'st-123' }))
    expect(confirm.status).toBe(200)
    expect(confirm.headers.get('cache-control')).toBe('no-store')
    // Chrome applies form-action to the redirect that follows the POST.
    expect(confirm.headers.get('content-security-policy')).toContain("form-action 'self' https://app.example")
    const html = await confirm.text()
    expect(html).toContain('Sign out of as.example?')
    expect(html).toContain('E2E app')
    expect(await signedIn(s, cookie)).toBe(true)

    const fields = hiddenFields(html)
    expect(fields).toMatchObject({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'st-123' })
    const done = await browse(s, jar, LOGOUT, fields)
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe(`${SIGNED_OUT}?state=st-123`)
    expect(jar.cookies.has('gl_session')).toBe(false)
    expect(await signedIn(s, cookie)).toBe(false)
  })

  it('§2: the request may be a POST from the RP, and client_id alone may name the client', async () => {
    const s = await setupOidc()
    const { jar, reg } = await loggedInRp(s)
    const confirm = await browse(s, jar, LOGOUT, { client_id: reg.client.client_id, post_logout_redirect_uri: SIGNED_OUT })
    expect(confirm.status).toBe(200)
    const done = await browse(s, jar, LOGOUT, hiddenFields(await confirm.text()))
    expect(done.headers.get('location')).toBe(SIGNED_OUT)
  })

  it('§2: without a post_logout_redirect_uri the session ends and the signed-out page shows', async () => {
    const s = await setupOidc()
    const { jar, idToken } = await loggedInRp(s)
    const confirm = await browse(s, jar, logoutUrl({ id_token_hint: idToken }))
    expect(confirm.headers.get('content-security-policy')).toMatch(/form-action 'self'$/)
    const done = await browse(s, jar, LOGOUT, hiddenFields(await confirm.text()))
    expect(done.status).toBe(303)
    const next = done.headers.get('location')!
    expect(next).toBe('/o/logout/')
    const page = await browse(s, jar, new URL(next, ISSUER).href)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('You are signed out')
  })

  it('§3: an unregistered post_logout_redirect_uri is never redirected to: a local error page, session kept', async () => {
    const s = await setupOidc()
    const { jar, idToken } = await loggedInRp(s)
    for (const uri of ['https://evil.example/signed-out', `${SIGNED_OUT}/`, `${SIGNED_OUT}?x=1`, 'https://app.example/cb']) {
      const response = await browse(s, jar, logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: uri, state: 's' }))
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
      expect(await response.text()).toContain('post_logout_redirect_uri is not registered')
    }
    expect(await signedIn(s, jar.header())).toBe(true)
  })

  it('§2: post_logout_redirect_uri without client_id or id_token_hint is refused', async () => {
    const s = await setupOidc()
    const response = await browse(s, undefined, logoutUrl({ post_logout_redirect_uri: SIGNED_OUT }))
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
  })

  it('§2: a client_id that is not the audience of id_token_hint is refused', async () => {
    const s = await setupOidc()
    const { jar, idToken } = await loggedInRp(s)
    const other = await register(s, { client_name: 'Other', post_logout_redirect_uris: [SIGNED_OUT] })
    const response = await browse(
      s,
      jar,
      logoutUrl({ id_token_hint: idToken, client_id: other.client.client_id, post_logout_redirect_uri: SIGNED_OUT }),
    )
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('client_id is not an audience of id_token_hint')
  })

  it('§4: an id_token_hint signed by a key this server does not publish is refused', async () => {
    const s = await setupOidc()
    const { jar, idToken, reg } = await loggedInRp(s)
    const { privateKey } = await generateKeyPair('ES256')
    const genuine = JSON.parse(atob(idToken.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as { kid: string }
    const forge = (kid: string) =>
      new SignJWT({ sub: s.alice.sub })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(reg.client.client_id)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey)
    // Both a foreign kid and our own kid over a foreign key fail the signature check.
    for (const forged of [await forge('foreign'), await forge(genuine.kid)]) {
      const response = await browse(s, jar, logoutUrl({ id_token_hint: forged, post_logout_redirect_uri: SIGNED_OUT }))
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
      expect(await response.text()).toContain('id_token_hint was not issued by this server')
    }
    // A tampered payload under a genuine signature fails too.
    const [header, , signature] = idToken.split('.')
    const payload = btoa(JSON.stringify({ iss: ISSUER, sub: 'user-x', aud: reg.client.client_id })).replace(/=+$/, '')
    expect((await browse(s, jar, logoutUrl({ id_token_hint: `${header}.${payload}.${signature}` }))).status).toBe(400)
    // And so does garbage.
    expect((await browse(s, jar, logoutUrl({ id_token_hint: 'not-a-jwt' }))).status).toBe(400)
    expect(await signedIn(s, jar.header())).toBe(true)
  })

  it('§2: an expired id_token_hint is still accepted (its signature is what counts)', async () => {
    const s = await setupOidc()
    const { jar, idToken } = await loggedInRp(s)
    s.clock.advance(2 * 3600)
    const confirm = await browse(s, jar, logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'late' }))
    expect(confirm.status).toBe(200)
    const done = await browse(s, jar, LOGOUT, hiddenFields(await confirm.text()))
    expect(done.headers.get('location')).toBe(`${SIGNED_OUT}?state=late`)
  })

  it('revokeOnLogout: the confirmed logout also revokes the user’s consent to the client, so its tokens die', async () => {
    const s = await setupOidc({ oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256', revokeOnLogout: true } })
    const { jar, idToken, tokens, reg } = await loggedInRp(s)
    // A grant to another client survives.
    const other = await register(s, { client_name: 'Other' })
    const otherTokens = await codeFlow(s, other, jar, 'openid')
    expect((await userinfo(s, tokens.access_token)).status).toBe(200)

    const confirm = await browse(s, jar, logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT }))
    // Viewing the page revokes nothing.
    expect((await userinfo(s, tokens.access_token)).status).toBe(200)
    await browse(s, jar, LOGOUT, hiddenFields(await confirm.text()))

    expect((await userinfo(s, tokens.access_token)).status).toBe(401)
    await expect(refresh(s, reg, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect((await userinfo(s, otherTokens.access_token)).status).toBe(200)
  })

  it('RP-Initiated Logout §2: revokeOnLogout also ends the grants of a skip_authorization client, which never showed a consent page', async () => {
    const s = await setupOidc({ oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256', revokeOnLogout: true } })
    const { jar, tokens, reg } = await granted(s, 'openid profile', { post_logout_redirect_uris: [SIGNED_OUT], skip_authorization: true })
    // A second grant of the same client, in the same session, without a page either.
    const again = await codeFlow(s, reg, jar, 'openid')
    expect((await userinfo(s, again.access_token)).status).toBe(200)

    const confirm = await browse(s, jar, logoutUrl({ client_id: reg.client.client_id, post_logout_redirect_uri: SIGNED_OUT }))
    await browse(s, jar, LOGOUT, hiddenFields(await confirm.text()))

    for (const grant of [tokens, again]) {
      expect((await userinfo(s, grant.access_token)).status).toBe(401)
      await expect(refresh(s, reg, grant.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })
    }
  })

  it('without revokeOnLogout the client’s tokens outlive the session', async () => {
    const s = await setupOidc()
    const { jar, idToken, tokens } = await loggedInRp(s)
    const confirm = await browse(s, jar, logoutUrl({ id_token_hint: idToken }))
    await browse(s, jar, LOGOUT, hiddenFields(await confirm.text()))
    expect(await signedIn(s, jar.header())).toBe(false)
    expect((await userinfo(s, tokens.access_token)).status).toBe(200)
  })

  it('CSRF: a tampered or other-session csrf value is refused (403) and the session kept', async () => {
    const s = await setupOidc()
    const { jar, idToken } = await loggedInRp(s)
    const fields = hiddenFields(await (await browse(s, jar, logoutUrl({ id_token_hint: idToken }))).text())
    const tampered = `${fields.csrf![0] === 'A' ? 'B' : 'A'}${fields.csrf!.slice(1)}`
    const refused = await browse(s, jar, LOGOUT, { ...fields, csrf: tampered })
    expect(refused.status).toBe(403)
    expect(refused.headers.get('location')).toBeNull()
    expect(await signedIn(s, jar.header())).toBe(true)

    // A value made for another session does not carry over.
    const other = await signIn(s)
    expect((await browse(s, other, LOGOUT, fields)).status).toBe(403)
    expect(await signedIn(s, other.header())).toBe(true)
    expect(await signedIn(s, jar.header())).toBe(true)
  })

  it('§2: a user who is not signed in is sent straight to the registered URI with state, or shown the signed-out page', async () => {
    const s = await setupOidc()
    const { idToken } = await loggedInRp(s)
    const straight = await browse(s, undefined, logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'abc' }))
    expect(straight.status).toBe(303)
    expect(straight.headers.get('location')).toBe(`${SIGNED_OUT}?state=abc`)

    const page = await browse(s, undefined, logoutUrl({ id_token_hint: idToken }))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('You are signed out')
  })

  it('§2: a signed-in user is asked even without any parameter; the page escapes what it shows', async () => {
    const s = await setupOidc()
    const reg = await register(s, { client_name: '<script>x</script>', post_logout_redirect_uris: [SIGNED_OUT] })
    const jar = await signIn(s)
    const confirm = await browse(
      s,
      jar,
      logoutUrl({ client_id: reg.client.client_id, post_logout_redirect_uri: SIGNED_OUT, state: '"><b>' }),
    )
    const html = await confirm.text()
    expect(html).not.toContain('<script>x')
    expect(html).not.toContain('"><b>')
    expect(hiddenFields(html).state).toBe('"><b>')
    expect((await browse(s, jar, LOGOUT)).status).toBe(200)
    expect(field(await (await browse(s, jar, LOGOUT)).text(), 'csrf')).toBeTruthy()
  })

  it('answers 405 to other methods and exists only with OpenID Connect on', async () => {
    const s = await setupOidc()
    const put = await s.provider.handle(new Request(LOGOUT, { method: 'PUT' }))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST')
    expect((await setup().provider.handle(new Request(LOGOUT))).status).toBe(404)
  })

  it('oauth4webapi: the discovered end_session_endpoint is where an RP sends the browser', async () => {
    const s = await setupOidc()
    const { idToken } = await loggedInRp(s)
    const url = new URL(s.as.end_session_endpoint!)
    url.searchParams.set('id_token_hint', idToken)
    url.searchParams.set('post_logout_redirect_uri', SIGNED_OUT)
    expect((await s.fetch(url)).headers.get('location')).toBe(SIGNED_OUT)
  })
})
