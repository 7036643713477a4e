import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import {
  authorizeUrl,
  browse,
  get,
  ISSUER,
  isConsentPage,
  location,
  type OidcSetup,
  oidcSetup,
  pkce,
  queryParams,
  REDIRECT_URI,
  randomNonce,
  randomState,
  registerOidcClient,
  relyingParty,
} from './support.js'

async function request(clientId: string, extra: Record<string, string> = {}) {
  const state = randomState()
  const nonce = randomNonce()
  const { verifier, challenge } = await pkce()
  const url = authorizeUrl({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  return { url, state, nonce, verifier }
}

/** Asserts the host's login response (testAccounts: 302 to /login?next=returnTo) and answers returnTo. */
function expectLogin(response: Response): string {
  expect(response.status).toBe(302)
  const next = new URL(response.headers.get('location') ?? '', ISSUER).searchParams.get('next')
  expect(next, 'a login response').toMatch(/^\/o\/authorize\/\?/)
  return `${ISSUER.replace(/\/o$/, '')}${next}`
}

const seconds = (s: OidcSetup) => Math.floor(s.clock.now() / 1000)

describe('OIDC Core §3.1.2.1 prompt=none', () => {
  it('OIDC Core §3.1.2.6: prompt=none while signed out answers login_required, never the login page', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url, state } = await request(reg.client_id, { prompt: 'none' })
    const params = queryParams(await get(s, url))
    expect(Object.fromEntries(params)).toMatchObject({ error: 'login_required', state, iss: ISSUER })
    expect(s.logins).toEqual([])
  })

  it('OIDC Core §3.1.2.6: prompt=none when consent is needed answers consent_required, never the consent page', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url, state } = await request(reg.client_id, { prompt: 'none' })
    const params = queryParams(await get(s, url, s.users.signIn('user-1')))
    expect(Object.fromEntries(params)).toMatchObject({ error: 'consent_required', state, iss: ISSUER })
  })

  it('OIDC Core §3.1.2.1: prompt=none with a session and a covering consent issues the code silently', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const cookie = s.users.signIn('user-1')
    expect(queryParams(await browse(s, (await request(reg.client_id)).url, cookie)).get('code')).toBeTruthy()
    const { url, state, nonce, verifier } = await request(reg.client_id, { prompt: 'none' })
    const response = await get(s, url, cookie)
    expect(response.status).toBe(302)
    const tokens = await client.authorizationCodeGrant(await relyingParty(s, reg), location(response), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.claims()?.sub).toBe('user-1')
  })

  /** An ID Token of user-1 for `reg`, from a first interactive code flow. */
  async function idTokenOf(s: OidcSetup, reg: Awaited<ReturnType<typeof registerOidcClient>>, cookie: string): Promise<string> {
    const { url, state, nonce, verifier } = await request(reg.client_id)
    const response = await browse(s, url, cookie)
    const tokens = await client.authorizationCodeGrant(await relyingParty(s, reg), location(response), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
    })
    return tokens.id_token as string
  }

  it('OIDC Core §3.1.2.6: prompt=none with an id_token_hint of the signed-in user issues the code silently', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const hint = await idTokenOf(s, reg, cookie)
    const { url } = await request(reg.client_id, { prompt: 'none', id_token_hint: hint })
    expect(queryParams(await get(s, url, cookie)).get('code')).toBeTruthy()
  })

  it('OIDC Core §3.1.2.6: prompt=none with an id_token_hint naming another user than the signed-in one answers login_required, never a page', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const hint = await idTokenOf(s, reg, s.users.signIn('user-1'))
    const { url, state } = await request(reg.client_id, { prompt: 'none', id_token_hint: hint })
    const response = await get(s, url, s.users.signIn('user-2'))
    expect(response.status).toBe(302)
    expect(Object.fromEntries(queryParams(response))).toMatchObject({ error: 'login_required', state, iss: ISSUER })
    expect(s.logins).toEqual([])
  })

  it('OIDC Core §3.1.2.6: prompt=none with an id_token_hint this server did not issue answers invalid_request to the client', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const hint = await idTokenOf(s, reg, cookie)
    const [header, payload] = hint.split('.')
    const { url, state } = await request(reg.client_id, { prompt: 'none', id_token_hint: `${header}.${payload}.${'A'.repeat(86)}` })
    const response = await get(s, url, cookie)
    expect(response.status).toBe(302)
    expect(Object.fromEntries(queryParams(response))).toMatchObject({ error: 'invalid_request', state, iss: ISSUER })
  })

  it('OIDC Core §3.1.2.6: prompt=none asking for more scopes than the user approved answers consent_required, never the consent page', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const cookie = s.users.signIn('user-1')
    expect(queryParams(await browse(s, (await request(reg.client_id)).url, cookie)).get('code')).toBeTruthy()
    const { url, state } = await request(reg.client_id, { prompt: 'none', scope: 'openid profile' })
    const response = await get(s, url, cookie)
    expect(response.status).toBe(302)
    expect(Object.fromEntries(queryParams(response))).toMatchObject({ error: 'consent_required', state, iss: ISSUER })
  })

  it('OIDC Core §3.1.2.6: prompt=none with a session older than max_age answers login_required', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    s.clock.advance(120)
    const { url } = await request(reg.client_id, { prompt: 'none', max_age: '60' })
    expect(queryParams(await get(s, url, cookie)).get('error')).toBe('login_required')
    expect(s.logins).toEqual([])
  })

  it.each(['none login', 'consent none', 'none select_account', 'select_acount', 'login  consent'])(
    'OIDC Core §3.1.2.1: prompt=%j is invalid_request (none stands alone; only none, login, consent, select_account are offered)',
    async (prompt) => {
      const s = oidcSetup()
      const reg = await registerOidcClient(s, { skip_authorization: true })
      const { url } = await request(reg.client_id, { prompt })
      const params = queryParams(await get(s, url, s.users.signIn('user-1')))
      expect(params.get('error')).toBe('invalid_request')
      expect(params.get('error_description')).toMatch(/prompt/)
    },
  )
})

describe('OIDC Core §3.1.2.1 prompt=login and max_age', () => {
  it('OIDC Core §3.1.2.1: prompt=login asks the host to re-authenticate, then accepts the new session without looping', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const old = s.users.signIn('user-1')
    s.clock.advance(30)
    const { url, state, nonce, verifier } = await request(reg.client_id, { prompt: 'login' })
    const returnTo = expectLogin(await get(s, url, old))
    expect(s.logins.at(-1)).toMatchObject({ prompt: 'login' })
    expect(new URL(returnTo).searchParams.get('gl_login_at')).toMatch(new RegExp(`^${seconds(s)}\\.[A-Za-z0-9_-]{43}$`))
    expect(new URL(returnTo).searchParams.get('prompt')).toBe('login')

    // Coming back with the old session is not enough.
    expect(expectLogin(await get(s, returnTo, old))).toBeTruthy()
    // Signing in again is, even though prompt=login is still in the request.
    s.clock.advance(5)
    const fresh = s.users.signIn('user-1')
    const response = await get(s, returnTo, fresh)
    const tokens = await client.authorizationCodeGrant(await relyingParty(s, reg), location(response), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.claims()?.auth_time).toBe(seconds(s))
  })

  it('OIDC Core §3.1.2.1: a login marker older than the interaction lifetime is ignored, even for a newer session', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url } = await request(reg.client_id, { prompt: 'login' })
    const returnTo = expectLogin(await get(s, url, s.users.signIn('user-1')))
    s.clock.advance(5)
    const fresh = s.users.signIn('user-1')
    s.clock.advance(600)
    expectLogin(await get(s, returnTo, fresh))
  })

  it('OIDC Core §3.1.2.1: a session older than max_age is sent to log in with maxAge; auth_time is in the ID Token', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const old = s.users.signIn('user-1')
    s.clock.advance(120)
    const { url, state, nonce, verifier } = await request(reg.client_id, { max_age: '60' })
    const returnTo = expectLogin(await get(s, url, old))
    expect(s.logins.at(-1)).toMatchObject({ maxAge: 60, prompt: 'login' })
    s.clock.advance(2)
    const response = await get(s, returnTo, s.users.signIn('user-1'))
    const tokens = await client.authorizationCodeGrant(await relyingParty(s, reg), location(response), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
      maxAge: 60,
    })
    expect(tokens.claims()?.auth_time).toBe(seconds(s))
  })

  it('OIDC Core §3.1.2.1: a session within max_age is used as it is', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    s.clock.advance(30)
    const { url } = await request(reg.client_id, { max_age: '60' })
    expect(queryParams(await get(s, url, cookie)).get('code')).toBeTruthy()
    expect(s.logins).toEqual([])
  })

  it('OIDC Core §3.1.2.1: max_age=0 forces a login like prompt=login', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const { url } = await request(reg.client_id, { max_age: '0' })
    const returnTo = expectLogin(await get(s, url, cookie))
    expect(s.logins.at(-1)).toMatchObject({ maxAge: 0, prompt: 'login' })
    s.clock.advance(3)
    expect(queryParams(await get(s, returnTo, s.users.signIn('user-1'))).get('code')).toBeTruthy()
  })

  it.each(['-1', '1.5', 'soon', '99999999999'])('OIDC Core §3.1.2.1: max_age=%s is invalid_request', async (maxAge) => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url } = await request(reg.client_id, { max_age: maxAge })
    expect(queryParams(await get(s, url, s.users.signIn('user-1'))).get('error')).toBe('invalid_request')
  })

  it('OIDC Core §3.1.2.1: login_hint, ui_locales and acr_values reach the host login; a plain sign-in keeps returnTo', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url } = await request(reg.client_id, {
      login_hint: 'alice@example.com',
      ui_locales: 'de-CH fr <x>',
      acr_values: 'urn:mace:incommon:iap:silver phr',
    })
    const returnTo = expectLogin(await get(s, url))
    expect(s.logins).toEqual([
      {
        returnTo: returnTo.slice(new URL(ISSUER).origin.length),
        loginHint: 'alice@example.com',
        uiLocales: ['de-CH', 'fr'],
        acrValues: ['urn:mace:incommon:iap:silver', 'phr'],
      },
    ])
    expect(new URL(returnTo).searchParams.has('gl_login_at')).toBe(false)
    expect(new URL(returnTo).searchParams.get('state')).toBe(url.searchParams.get('state'))
  })
})

/** The request of `returnTo` with its login marker replaced by `marker`. */
function withMarker(returnTo: string, marker: string): string {
  const url = new URL(returnTo)
  url.searchParams.set('gl_login_at', marker)
  return url.href
}

describe('OIDC Core §3.1.2.1: the login marker cannot stand in for a login', () => {
  it('OIDC Core §3.1.2.1: a marker edited to just before the current login is ignored: prompt=login still forces a login', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const signedInAt = seconds(s)
    s.clock.advance(30)
    const { url } = await request(reg.client_id, { prompt: 'login' })
    const returnTo = expectLogin(await get(s, url, cookie))
    const mac = (new URL(returnTo).searchParams.get('gl_login_at') ?? '').split('.')[1] ?? ''
    for (const marker of [String(signedInAt - 1), `${signedInAt - 1}.${mac}`, `${signedInAt}.${mac}`, `${signedInAt}.${'A'.repeat(43)}`]) {
      expectLogin(await get(s, withMarker(returnTo, marker), cookie))
      expectLogin(await get(s, `${url.href}&gl_login_at=${encodeURIComponent(marker)}`, cookie))
    }
    expect(s.logins.every((login) => login.prompt === 'login')).toBe(true)
  })

  it('OIDC Core §3.1.2.1: a valid marker copied onto another request is ignored', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const first = await request(reg.client_id, { prompt: 'login' })
    const marker = new URL(expectLogin(await get(s, first.url, s.users.signIn('user-1')))).searchParams.get('gl_login_at') ?? ''
    s.clock.advance(5)
    const fresh = s.users.signIn('user-1')
    s.clock.advance(5)
    // The same session, a new request (its own state, nonce and PKCE challenge), the first request's marker.
    const second = await request(reg.client_id, { prompt: 'login', gl_login_at: marker })
    expectLogin(await get(s, second.url, fresh))
    // The marker satisfies the request it was made for.
    const returnTo = withMarker(first.url.href, marker)
    expect(queryParams(await get(s, returnTo, fresh)).get('code')).toBeTruthy()
  })

  it('OIDC Core §3.1.2.1: with max_age, a copied marker does not pass off a session older than max_age as fresh', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const first = await request(reg.client_id, { max_age: '60' })
    const marker = new URL(expectLogin(await get(s, first.url))).searchParams.get('gl_login_at') ?? ''
    s.clock.advance(1)
    const cookie = s.users.signIn('user-1')
    expect(queryParams(await get(s, withMarker(first.url.href, marker), cookie)).get('code')).toBeTruthy()
    s.clock.advance(100)
    // The session signed in after the marker, but it is now older than max_age.
    const other = await request(reg.client_id, { max_age: '60', gl_login_at: marker })
    expectLogin(await get(s, other.url, cookie))
  })
})

describe('OIDC Core §3.1.2.1 prompt=consent', () => {
  it('OIDC Core §3.1.2.1: prompt=consent shows the consent page even when an earlier consent covers the request', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const cookie = s.users.signIn('user-1')
    expect(queryParams(await browse(s, (await request(reg.client_id)).url, cookie)).get('code')).toBeTruthy()
    const { url } = await request(reg.client_id)
    expect((await get(s, url, cookie)).status).toBe(302)

    const forced = await request(reg.client_id, { prompt: 'consent' })
    const page = await get(s, forced.url, cookie)
    expect(page.status).toBe(200)
    expect(isConsentPage(await page.text())).toBe(true)
    const params = queryParams(await browse(s, forced.url, cookie))
    expect(params.get('code')).toBeTruthy()
    expect(params.get('state')).toBe(forced.state)
  })

  it('OIDC Core §3.1.2.1: prompt=consent shows the page for a client that skips authorization', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url } = await request(reg.client_id, { prompt: 'consent' })
    const page = await get(s, url, s.users.signIn('user-1'))
    expect(page.status).toBe(200)
    expect(isConsentPage(await page.text())).toBe(true)
  })

  it('OIDC Core §3.1.2.1: ui_locales sets the consent page language', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s)
    const { url } = await request(reg.client_id, { ui_locales: 'fr-CA en' })
    const html = await (await get(s, url, s.users.signIn('user-1'))).text()
    expect(html).toMatch(/<html lang="fr-CA">/)
  })

  it('OIDC Core §3.1.2.1: prompt=login consent asks for both, in that order', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const old = s.users.signIn('user-1')
    s.clock.advance(10)
    const { url } = await request(reg.client_id, { prompt: 'login consent' })
    const returnTo = expectLogin(await get(s, url, old))
    const page = await get(s, returnTo, s.users.signIn('user-1'))
    expect(page.status).toBe(200)
    expect(isConsentPage(await page.text())).toBe(true)
  })
})

describe('OIDC Core §3.1.2.1 prompt=select_account', () => {
  it('OIDC Core §3.1.2.1: prompt=select_account asks the host to choose an account once; coming back answers it, without a new login', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const { url, state, nonce, verifier } = await request(reg.client_id, { prompt: 'select_account' })
    const returnTo = expectLogin(await get(s, url, cookie))
    expect(s.logins.at(-1)).toMatchObject({ prompt: 'select_account' })
    expect(new URL(returnTo).searchParams.get('gl_login_at')).toMatch(new RegExp(`^${seconds(s)}\\.[A-Za-z0-9_-]{43}$`))

    // Continuing as the same user, with the same session, does not ask again.
    s.clock.advance(5)
    const response = await get(s, returnTo, cookie)
    const tokens = await client.authorizationCodeGrant(await relyingParty(s, reg), location(response), {
      expectedState: state,
      expectedNonce: nonce,
      pkceCodeVerifier: verifier,
    })
    expect(tokens.claims()?.sub).toBe('user-1')
    expect(s.logins).toHaveLength(1)
  })

  it('OIDC Core §3.1.2.1: prompt=select_account while signed out signs in once, then answers as the new user', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const { url } = await request(reg.client_id, { prompt: 'select_account' })
    const returnTo = expectLogin(await get(s, url))
    expect(s.logins.at(-1)).toMatchObject({ prompt: 'select_account' })
    expect(queryParams(await get(s, returnTo, s.users.signIn('user-2'))).get('code')).toBeTruthy()
    expect(s.logins).toHaveLength(1)
  })

  it('OIDC Core §3.1.2.1: a select_account marker copied onto another request is ignored: that request asks again', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const marker = new URL(
      expectLogin(await get(s, (await request(reg.client_id, { prompt: 'select_account' })).url, cookie)),
    ).searchParams.get('gl_login_at')
    const other = new URL((await request(reg.client_id, { prompt: 'select_account' })).url)
    other.searchParams.set('gl_login_at', marker ?? '')
    expect(s.logins.at(-1)).toMatchObject({ prompt: 'select_account' })
    expectLogin(await get(s, other.toString(), cookie))
    expect(s.logins).toHaveLength(2)
  })

  it('OIDC Core §3.1.2.1: prompt=login select_account asks for a login, then answers both on return', async () => {
    const s = oidcSetup()
    const reg = await registerOidcClient(s, { skip_authorization: true })
    const old = s.users.signIn('user-1')
    s.clock.advance(30)
    const { url } = await request(reg.client_id, { prompt: 'login select_account' })
    const returnTo = expectLogin(await get(s, url, old))
    expect(s.logins.at(-1)).toMatchObject({ prompt: 'login' })
    s.clock.advance(5)
    expect(queryParams(await get(s, returnTo, s.users.signIn('user-1'))).get('code')).toBeTruthy()
  })
})
