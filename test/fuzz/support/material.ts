import type { AccountStore, Storage } from '@grantline/core'
import { sha256Hex } from '@grantline/core'
import type { FakeClock } from '@grantline/testing'
import { CookieJar, field } from '../../accounts/support.js'
import { basic, CHALLENGE, ISSUER, ORIGIN, PASSWORDS, VERIFIER } from './constants.js'
import type { ClientName, RegisteredClient } from './fixture.js'

export interface MaterialSource {
  handle(request: Request): Promise<Response>
  clock: FakeClock
  clients: Record<ClientName, RegisteredClient>
  /** The memoryStorage behind the provider (read directly, never through the provider). */
  storage: Storage
  /** The single-use keys the provider has consumed so far. */
  consumed: ReadonlySet<string>
  accountStore: AccountStore
}

/**
 * What valid requests are made of, got through the real endpoints as a browser and a client
 * would: sessions, codes, tokens and consent forms. The `fresh*` functions make new ones; `code`,
 * `tokens`, `interaction` and `session` reuse the last one while it is still usable, since most
 * fuzz cases do not use it up and making one costs a few requests.
 */
export async function createMaterial({ handle, clock, clients, storage, consumed, accountStore }: MaterialSource) {
  /** Signs in through the login page, as a browser; answers the Cookie header (session and CSRF cookies). */
  async function signIn(user: 'alice' | 'bob' = 'alice'): Promise<string> {
    const jar = new CookieJar()
    const form = await handle(new Request(`${ORIGIN}/accounts/login/`))
    jar.store(form)
    const body = new URLSearchParams({ csrf: field(await form.text(), 'csrf') ?? '', username: user, password: PASSWORDS[user] })
    const posted = await handle(
      new Request(`${ORIGIN}/accounts/login/`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      }),
    )
    jar.store(posted)
    if (!jar.cookies.has('gl_session')) throw new Error(`fixture login failed: ${posted.status}`)
    return jar.header()
  }

  const sessions = { alice: await signIn('alice'), bob: await signIn('bob') }

  /** The redirect URI each client's fresh codes are bound to (a loopback port for the native client, RFC 8252 §7.3). */
  const codeRedirect: Partial<Record<ClientName, string>> = {
    web: 'https://app.example/cb',
    post: 'https://post.example/cb',
    native: 'http://127.0.0.1:5555/cb',
    trusted: 'https://trusted.example/cb',
  }

  /**
   * A fresh code for alice (S256 with VERIFIER), from a client that skips authorization, that
   * alice approved when the fixture was made, or (a public client) through the consent page.
   */
  async function freshCode(
    name: ClientName = 'trusted',
    scope = 'openid profile read write',
    extra: Record<string, string> = {},
  ): Promise<string> {
    const query = new URLSearchParams({
      client_id: clients[name].client.client_id,
      response_type: 'code',
      redirect_uri: codeRedirect[name] ?? '',
      scope,
      state: 'fixture',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      ...extra,
    })
    let response = await handle(new Request(`${ISSUER}/authorize/?${query}`, { headers: { cookie: sessions.alice } }))
    // A public client is never approved silently (RFC 8252 §8.6): alice approves the page again.
    if (response.status === 200) {
      const html = await response.text()
      response = await approve({ interaction: field(html, 'interaction') ?? '', csrf: field(html, 'csrf') ?? '' })
    }
    const code = new URL(response.headers.get('location') ?? 'x:').searchParams.get('code')
    if (!code) throw new Error(`fixture authorize failed: ${response.status} ${response.headers.get('location')}`)
    return code
  }

  /** A fresh token response for alice through the trusted client (openid, so an ID Token too). */
  async function freshTokens(scope?: string): Promise<{ access_token: string; refresh_token: string; id_token?: string }> {
    const code = await freshCode('trusted', scope)
    const trusted = clients.trusted
    const response = await handle(
      new Request(`${ISSUER}/token/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(trusted.client.client_id, trusted.secret ?? ''),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: 'https://trusted.example/cb',
          code_verifier: VERIFIER,
        }),
      }),
    )
    if (response.status !== 200) throw new Error(`fixture token request failed: ${response.status} ${await response.text()}`)
    return (await response.json()) as { access_token: string; refresh_token: string; id_token?: string }
  }

  /** A pending consent decision for `user` on the web client: the consent page's hidden fields. */
  async function freshInteraction(user: 'alice' | 'bob' = 'alice', params: Record<string, string> = {}) {
    const query = new URLSearchParams({
      client_id: clients.web.client.client_id,
      response_type: 'code',
      redirect_uri: 'https://app.example/cb',
      scope: 'openid read',
      state: 'consent-state',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      prompt: 'consent',
      ...params,
    })
    const page = await handle(new Request(`${ISSUER}/authorize/?${query}`, { headers: { cookie: sessions[user] } }))
    const html = await page.text()
    const interaction = field(html, 'interaction')
    const csrf = field(html, 'csrf')
    if (!interaction || !csrf) throw new Error(`fixture consent page failed: ${page.status}`)
    return { interaction, csrf }
  }

  /** Alice approves a consent page by its hidden fields; answers the decision's redirect. */
  function approve(fields: { interaction: string; csrf: string }): Promise<Response> {
    return handle(
      new Request(`${ISSUER}/authorize/`, {
        method: 'POST',
        headers: { cookie: sessions.alice, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, allow: 'Authorize' }),
      }),
    )
  }

  // Alice approves the web and post clients once, so their later requests skip the page.
  for (const name of ['web', 'post'] as const) {
    const fields = await freshInteraction('alice', {
      client_id: clients[name].client.client_id,
      redirect_uri: codeRedirect[name] ?? '',
      scope: 'openid profile email read write',
    })
    const approved = await approve(fields)
    if (approved.status !== 303) throw new Error(`fixture consent failed: ${approved.status}`)
  }

  const seconds = () => Math.floor(clock.now() / 1000)
  const codes = new Map<string, { code: string; at: number }>()
  /** A code from `freshCode`, reused while unconsumed and well within its 60 s lifetime. */
  async function code(name: ClientName = 'trusted', scope = 'read write'): Promise<string> {
    const key = `${name} ${scope}`
    const cached = codes.get(key)
    if (cached && !consumed.has(sha256Hex(cached.code)) && seconds() - cached.at < 30) return cached.code
    const fresh = { code: await freshCode(name, scope), at: seconds() }
    codes.set(key, fresh)
    return fresh.code
  }

  const grants = new Map<string, Awaited<ReturnType<typeof freshTokens>>>()
  /**
   * Tokens from `freshTokens`, reused while both are still valid and the refresh token unused.
   * Without `openid` by default: an ID Token costs an ECDSA signature, needed only where tested.
   */
  async function tokens(scope = 'read write') {
    const cached = grants.get(scope)
    if (cached) {
      const now = seconds()
      const access = await storage.findAccessToken(sha256Hex(cached.access_token), now)
      const refresh = await storage.findRefreshToken(sha256Hex(cached.refresh_token), now)
      if (access && refresh && refresh.token.used_at === null && now - access.token.created_at < 1800) return cached
    }
    const fresh = await freshTokens(scope)
    grants.set(scope, fresh)
    return fresh
  }

  const pending = new Map<string, { fields: { interaction: string; csrf: string }; at: number }>()
  /** A consent form from `freshInteraction`, reused while unanswered and well within its lifetime. */
  async function interaction(user: 'alice' | 'bob' = 'alice', params: Record<string, string> = {}) {
    const key = `${user} ${new URLSearchParams(params)}`
    const cached = pending.get(key)
    if (cached && !consumed.has(cached.fields.interaction) && seconds() - cached.at < 300) return cached.fields
    const fresh = { fields: await freshInteraction(user, params), at: seconds() }
    pending.set(key, fresh)
    return fresh.fields
  }

  const signedIn = new Map<string, string>()
  /** A session of `user` from `signIn`, reused while the session still exists (a logout ends it). */
  async function session(user: 'alice' | 'bob' = 'alice'): Promise<string> {
    const cached = signedIn.get(user)
    const id = cached && /gl_session=([^;]+)/.exec(cached)?.[1]
    if (cached && id && (await accountStore.getSession(sha256Hex(id), seconds()))) return cached
    const fresh = await signIn(user)
    signedIn.set(user, fresh)
    return fresh
  }

  return { sessions, codeRedirect, signIn, freshCode, freshTokens, freshInteraction, code, tokens, interaction, session }
}
