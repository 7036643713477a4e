import { BASE, type FuzzFixture } from './fixture.js'
import { getModel, type Pair, postModel } from './model.js'
import type { ValidRequest } from './run.js'

const pick = <T>(items: readonly T[], variant: number): T => items[variant % items.length] as T

/**
 * Valid RP-initiated logout requests (OpenID Connect RP-Initiated Logout 1.0 §2): with an ID
 * Token hint and a registered post_logout_redirect_uri, by client_id, without a session (sent on
 * at once), with one (the confirmation page), and the confirmation POST for a fresh session.
 */
export async function validLogoutRequest(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const path = `${BASE}/logout/`
  const { id_token = '' } = await fx.tokens('openid profile')
  const hinted: Pair[] = [
    ['id_token_hint', id_token],
    ['post_logout_redirect_uri', 'https://trusted.example/cb'],
    ['state', 'bye'],
  ]
  const byClient: Pair[] = [
    ['client_id', fx.clients.post.client.client_id],
    ['post_logout_redirect_uri', 'https://post.example/bye?from=op'],
    ['ui_locales', 'de'],
  ]
  const web: Pair[] = [
    ['id_token_hint', id_token],
    ['client_id', fx.clients.web.client.client_id],
    ['post_logout_redirect_uri', 'https://app.example/bye'],
  ]
  const pool = [id_token]
  switch (variant % 6) {
    case 0:
      return { model: getModel(path, hinted), pool }
    case 1:
      return { model: getModel(path, byClient, [['cookie', fx.sessions.alice]]), pool }
    case 2:
      return { model: postModel(path, web, [['cookie', fx.sessions.bob]]), pool }
    case 3:
      return { model: getModel(path), pool }
    default: {
      // The confirmation form of a session made for this case: posting it ends that session.
      const cookie = await fx.session('alice')
      const page = await fx.handle(
        new Request(`${fx.origin}${path}?${new URLSearchParams(variant % 2 ? byClient : [])}`, { headers: { cookie } }),
      )
      const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
      return {
        model: postModel(path, [...(variant % 2 ? byClient : []), ['csrf', csrf], ['logout', 'Sign out']], [['cookie', cookie]]),
        pool: [...pool, csrf],
      }
    }
  }
}

/** Valid requests for the public documents: JWKS (RFC 7517), OIDC Discovery §4, RFC 8414 §3. */
export function validMetadataRequest(path: string) {
  return (_fx: FuzzFixture, variant: number): Promise<ValidRequest> =>
    Promise.resolve({
      model: getModel(
        path,
        [],
        variant % 2
          ? [
              ['accept', 'application/json'],
              ['origin', 'https://rp.example'],
            ]
          : [],
      ),
    })
}

/** The CSRF value of the management forms for a session (HMAC-bound to it), read off a form. */
async function manageCsrf(fx: FuzzFixture, cookie: string): Promise<string> {
  const page = await fx.handle(new Request(`${fx.origin}${BASE}/applications/register/`, { headers: { cookie } }))
  return /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
}

const manageCsrfs = new WeakMap<FuzzFixture, Map<string, Promise<string>>>()

/**
 * Keeps the lists the management pages render short: the applications the fuzzer registered and
 * the consents it planted pile up otherwise, and each list page would grow with the run.
 */
async function pruneManaged(fx: FuzzFixture): Promise<void> {
  if (fx.clock.now() % 50_000 !== 0) return
  const fixed = new Set(Object.values(fx.clients).map(({ client }) => client.client_id))
  for (const owner of [fx.users.alice.sub, fx.users.bob.sub]) {
    for (const client of await fx.provider.clients.list({ owner_sub: owner })) {
      if (!fixed.has(client.client_id)) await fx.provider.clients.delete(client.client_id)
    }
    for (const consent of await fx.storage.listConsents(owner)) {
      if (consent.id.startsWith('consent-')) await fx.storage.revokeConsent(consent.id, Math.floor(fx.clock.now() / 1000))
    }
  }
}

/**
 * Valid requests to the management pages (DOT's applications and authorized_tokens views): list,
 * register, show, update and delete an application; list and revoke a consent; as its owner, and
 * as another user (who sees only a 404).
 */
export async function validManageRequest(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const user = variant % 9 === 8 ? 'bob' : 'alice'
  const cookie = fx.sessions[user]
  const csrfs = manageCsrfs.get(fx) ?? new Map<string, Promise<string>>()
  manageCsrfs.set(fx, csrfs)
  if (!csrfs.has(user)) csrfs.set(user, manageCsrf(fx, cookie))
  const csrf = (await csrfs.get(user)) ?? ''
  const headers: Pair[] = [['cookie', cookie]]
  const own = fx.clients.alices.client.client_id
  await pruneManaged(fx)
  const app = (id: string, action = '') => `${BASE}/applications/${encodeURIComponent(id)}/${action}`
  const form: Pair[] = [
    ['csrf', csrf],
    ['client_name', 'Fuzzed <app>'],
    ['client_type', 'confidential'],
    ['grant_type:authorization_code', 'on'],
    ['grant_type:refresh_token', 'on'],
    ['redirect_uris', 'https://new.example/cb\nhttp://127.0.0.1/cb\ncom.example.fuzz:/cb'],
    ['post_logout_redirect_uris', 'https://new.example/bye'],
    ['scope:read', 'on'],
  ]
  switch ((variant >> 1) % 11) {
    case 0:
      return { model: getModel(`${BASE}/applications/`, [], headers) }
    case 1:
      return { model: getModel(`${BASE}/applications/register/`, [], headers) }
    case 2:
      return { model: postModel(`${BASE}/applications/register/`, form, headers), pool: [csrf] }
    case 3:
      return { model: getModel(app(own), [], headers), pool: [own] }
    case 4:
      return { model: getModel(app(own, 'update/'), [], headers), pool: [own] }
    case 5:
      return {
        model: postModel(
          app(own, 'update/'),
          form.filter(([name]) => name !== 'client_type'),
          headers,
        ),
        pool: [own, csrf],
      }
    case 6:
      return { model: getModel(app(variant % 2 ? own : fx.clients.bobs.client.client_id, 'delete/'), [], headers), pool: [own] }
    case 7: {
      const { client } = await fx.provider.clients.create({
        client_name: 'Doomed',
        redirect_uris: ['https://doomed.example/cb'],
        owner_sub: fx.users[user].sub,
      })
      return { model: postModel(app(client.client_id, 'delete/'), [['csrf', csrf]], headers), pool: [client.client_id, csrf] }
    }
    case 8:
      return { model: getModel(`${BASE}/authorized_tokens/`, [], headers) }
    default: {
      // A consent of alice's to revoke (or, for bob, to fail to find).
      const consent = {
        id: `consent-${variant}-${fx.clock.now()}`,
        sub: fx.users.alice.sub,
        client_id: fx.clients.web.client.client_id,
        scopes: ['openid', 'read'],
        created_at: Math.floor(fx.clock.now() / 1000),
        revoked_at: null,
      }
      await fx.storage.putConsent(consent)
      const path = `${BASE}/authorized_tokens/${encodeURIComponent(consent.id)}/delete/`
      return { model: variant % 2 ? postModel(path, [['csrf', csrf]], headers) : getModel(path, [], headers), pool: [consent.id, csrf] }
    }
  }
}

const accountForms = new WeakMap<FuzzFixture, Promise<{ cookie: string; login: string; logout: string }>>()

/** A `gl_csrf` cookie with the login and logout forms' CSRF values bound to it (signed double submit). */
function accountCsrf(fx: FuzzFixture) {
  let forms = accountForms.get(fx)
  if (!forms) {
    forms = (async () => {
      const login = await fx.handle(new Request(`${fx.origin}/accounts/login/`))
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
      // The sign-out form shows only to a signed-in user; its value is bound to gl_csrf, not the session.
      const session = /gl_session=[^;]+/.exec(fx.sessions.alice)?.[0] ?? ''
      const logout = await fx.handle(new Request(`${fx.origin}/accounts/logout/`, { headers: { cookie: `${cookie}; ${session}` } }))
      const value = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''
      return { cookie, login: value(await login.text()), logout: value(await logout.text()) }
    })()
    accountForms.set(fx, forms)
  }
  return forms
}

/** Valid requests to localAccounts' login page (Django's LoginView): the form, a good and a bad sign-in, `next`. */
export async function validLoginRequest(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const { cookie, login } = await accountCsrf(fx)
  const next = pick(['/o/authorize/?client_id=x&scope=openid', '/o/applications/', '/'], variant >> 2)
  switch (variant % 4) {
    case 0:
      return { model: getModel('/accounts/login/', [['next', next]], [['cookie', cookie]]) }
    case 1:
      return {
        model: postModel(
          '/accounts/login/',
          [
            ['csrf', login],
            ['username', 'alice'],
            ['password', fx.passwords.alice],
            ['next', next],
          ],
          [['cookie', cookie]],
        ),
        pool: [login],
      }
    case 2:
      return {
        model: postModel(
          '/accounts/login/',
          [
            ['csrf', login],
            ['username', 'bob'],
            ['password', 'wrong password'],
            ['next', next],
          ],
          [['cookie', cookie]],
        ),
        pool: [login],
      }
    default:
      return { model: getModel('/accounts/login/', [], [['cookie', `${cookie}; ${fx.sessions.alice}`]]) }
  }
}

/** Valid requests to localAccounts' logout page: the confirmation, and the POST that ends a (fresh) session. */
export async function validAccountLogoutRequest(fx: FuzzFixture, variant: number): Promise<ValidRequest> {
  const { cookie, logout } = await accountCsrf(fx)
  switch (variant % 4) {
    case 0:
      return { model: getModel('/accounts/logout/', [['next', '/o/applications/']], [['cookie', `${cookie}; ${fx.sessions.bob}`]]) }
    case 1:
      return {
        model: postModel(
          '/accounts/logout/',
          [
            ['csrf', logout],
            ['next', '/after'],
          ],
          [['cookie', cookie]],
        ),
        pool: [logout],
      }
    default: {
      const session = /gl_session=[^;]+/.exec(await fx.session('alice'))?.[0] ?? ''
      return { model: postModel('/accounts/logout/', [['csrf', logout]], [['cookie', `${cookie}; ${session}`]]), pool: [logout] }
    }
  }
}
