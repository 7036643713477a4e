import { localAccounts, memoryAccountStore, type ProviderConfig } from '@grantline/core'
import { createFakeClock } from '@grantline/testing'
import * as oauth from 'oauth4webapi'
import { CookieJar, field, TEST_ITERATIONS } from '../../accounts/support.js'
import { begin, location, type Registered, redeem, register, via } from '../../e2e/support.js'
import { authorizeAs, ISSUER, SECRET, setup } from '../../support/provider.js'

export const ORIGIN = new URL(ISSUER).origin
/** base64url of 32 random bytes, as `oidc.keyEncryptionKey` wants it. */
export const KEY_ENCRYPTION_KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
  .replace(/\+/g, '-')
  .replace(/\//g, '_')
  .replace(/=+$/, '')

/**
 * An OIDC provider (ES256) on memory storage with `localAccounts`, so that claims follow the
 * granted scopes and logout really ends a session. The clock starts at the real time because
 * oauth4webapi checks an ID Token's iat and exp against its own clock.
 */
export async function setupOidc(overrides: Partial<ProviderConfig> = {}) {
  const clock = createFakeClock(Date.now())
  const accounts = localAccounts(memoryAccountStore(), { secrets: [SECRET], iterations: TEST_ITERATIONS, now: clock.now })
  const alice = await accounts.users.create({
    username: 'alice',
    password: 'correct horse',
    claims: { name: 'Alice', email: 'alice@example.com', email_verified: true, phone_number: '+1 555 0100', groups: ['admin'] },
  })
  const s = setup({ accounts, now: clock.now, oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256' }, ...overrides })
  // OIDC Discovery §4, as a relying party would start.
  const issuer = new URL(ISSUER)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...via(s) }))
  return { ...s, clock, accounts, alice, as }
}

export type OidcSetup = Awaited<ReturnType<typeof setupOidc>>

/** Signs in through the local login page; answers the browser's cookie jar. */
export async function signIn(s: OidcSetup, username = 'alice', password = 'correct horse'): Promise<CookieJar> {
  const jar = new CookieJar()
  const loginPage = await s.provider.handle(new Request(`${ORIGIN}/accounts/login/`))
  jar.store(loginPage)
  const body = new URLSearchParams({ csrf: field(await loginPage.text(), 'csrf') ?? '', username, password })
  const posted = await s.provider.handle(
    new Request(`${ORIGIN}/accounts/login/`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }),
  )
  jar.store(posted)
  if (!jar.cookies.has('gl_session')) throw new Error(`login failed with ${posted.status}`)
  return jar
}

/** The code flow for a signed-in browser, redeemed by oauth4webapi against the discovered metadata. */
export async function codeFlow(
  s: OidcSetup,
  reg: Registered,
  jar: CookieJar,
  scope = 'openid profile',
  params: Record<string, string> = {},
) {
  const started = await begin(reg.client, { scope, ...params }, s.as)
  const redirect = location(await authorizeAs(s, jar.header(), started.url))
  return redeem(s, reg, started, redirect, s.as)
}

/** A registered client that went through the code flow: its tokens and its ID Token's subject. */
export async function granted(s: OidcSetup, scope = 'openid profile', input: Parameters<typeof register>[1] = {}) {
  const reg = await register(s, input)
  const jar = await signIn(s)
  const tokens = await codeFlow(s, reg, jar, scope)
  return { reg, jar, tokens, sub: s.alice.sub }
}
