import { type ClientInput, localAccounts, memoryAccountStore, type ProviderConfig } from '@grantline/core'
import { createFakeClock } from '@grantline/testing'
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose'
import * as client from 'openid-client'
import { expect } from 'vitest'
import { CookieJar, TEST_ITERATIONS } from '../../accounts/support.js'
import { ISSUER, REDIRECT_URI, SECRET, setup } from '../../support/provider.js'
import { KEY_ENCRYPTION_KEY } from '../authorize/support.js'

export { ISSUER, KEY_ENCRYPTION_KEY, REDIRECT_URI }

export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA'

export const ORIGIN = new URL(ISSUER).origin
export const JWKS_URI = `${ISSUER}/.well-known/jwks.json`
export const SIGNED_OUT = 'https://app.example/signed-out'
export const PASSWORD = 'correct horse'

/** What the host stores about Alice: every scope's claims, and one (`groups`) no scope releases. */
export const ALICE_CLAIMS = {
  name: 'Alice Liddell',
  given_name: 'Alice',
  family_name: 'Liddell',
  email: 'alice@example.com',
  email_verified: true,
  phone_number: '+1 555 0100',
  address: { street_address: '1 Rabbit Hole', locality: 'Oxford', country: 'GB' },
  groups: ['admin'],
}

/** Every response type of OIDC Core §3 (and `code` / `token` of RFC 6749). */
const ALL_RESPONSE_TYPES = ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']

export interface OpOptions {
  alg?: SigningAlg
  config?: Partial<ProviderConfig>
}

/**
 * The OpenID Provider in process: memory storage, `localAccounts` (its login page, server-side
 * sessions, claims filtered by scope) with Alice, OpenID Connect with `alg`, the implicit grant on
 * so the hybrid and implicit response types exist. The clock starts at the real time, because
 * the relying parties check iat and exp against their own clock; `relyingParty` tells them how
 * far the test moved it since.
 */
export async function opSetup(options: OpOptions = {}) {
  const clock = createFakeClock(Math.floor(Date.now() / 1000) * 1000)
  const accounts = localAccounts(memoryAccountStore(), { secrets: [SECRET], iterations: TEST_ITERATIONS, now: clock.now })
  const alice = await accounts.users.create({ username: 'alice', password: PASSWORD, claims: ALICE_CLAIMS })
  const s = setup({
    accounts,
    now: clock.now,
    grantTypes: ['authorization_code', 'refresh_token', 'implicit'],
    oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: options.alg ?? 'RS256' },
    ...options.config,
  })
  /** Every request a relying party made, in order, with the status it got. */
  const requests: { method: string; url: string; status: number }[] = []
  return { ...s, clock, accounts, alice, requests }
}

export type Op = Awaited<ReturnType<typeof opSetup>>

export interface Registration {
  client_id: string
  client_secret: string | undefined
}

/** Registers a client that may use every response type, with a post-logout URI. */
export async function registerClient(op: Op, input: Partial<ClientInput> = {}): Promise<Registration> {
  const { client: registered, client_secret } = await op.provider.clients.create({
    client_name: 'Relying party',
    redirect_uris: [REDIRECT_URI],
    post_logout_redirect_uris: [SIGNED_OUT],
    grant_types: ['authorization_code', 'refresh_token', 'implicit'],
    response_types: ALL_RESPONSE_TYPES,
    ...input,
  })
  return { client_id: registered.client_id, client_secret }
}

/**
 * openid-client discovering the provider from its issuer URL (OIDC Discovery §4), every request
 * routed to `provider.handle` and logged. Non-repudiation checks are on, so the client verifies
 * every ID Token's signature through the discovered jwks_uri, not only its claims. The clock
 * skew is how far the test has moved the provider's clock from the real one.
 */
export function relyingParty(
  op: Op,
  reg: Registration,
  options: {
    execute?: ((config: client.Configuration) => void)[]
    metadata?: Partial<client.ClientMetadata>
    algorithm?: 'oidc' | 'oauth2'
  } = {},
): Promise<client.Configuration> {
  const metadata: Partial<client.ClientMetadata> = {
    [client.clockSkew]: Math.round((op.clock.now() - Date.now()) / 1000),
    ...(reg.client_secret === undefined ? {} : { client_secret: reg.client_secret }),
    ...options.metadata,
  }
  const auth = reg.client_secret === undefined ? client.None() : client.ClientSecretBasic(reg.client_secret)
  return client.discovery(new URL(ISSUER), reg.client_id, metadata, auth, {
    // openid-client's options are a RequestInit in all but the body's declared type.
    [client.customFetch]: async (url, init) => {
      const response = await op.fetch(url, init as RequestInit)
      op.requests.push({ method: init.method, url, status: response.status })
      return response
    },
    execute: [client.enableNonRepudiationChecks, ...(options.execute ?? [])],
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
  })
}

/** A page the browser shows, and the POST form on it, if any. */
export interface Page {
  url: URL
  status: number
  html: string
  form: { action: URL; fields: Record<string, string> } | undefined
}

/** Where a navigation ended: a page of the provider, or a redirect that leaves it (to the client). */
export type Arrival = { page: Page; left?: undefined } | { page?: undefined; left: URL }

const unescapeHtml = (value: string) => value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

/** The first POST form of a page: its action and hidden fields, as a browser would submit them. */
function readForm(html: string, base: URL): Page['form'] {
  const found = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(html)
  if (!found) return undefined
  const fields: Record<string, string> = {}
  for (const [, name, value] of (found[2] as string).matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(name as string)] = unescapeHtml(value as string)
  }
  return { action: new URL(unescapeHtml(found[1] as string), base), fields }
}

/**
 * A browser without JavaScript: keeps cookies, follows redirects while they stay at the provider
 * (its authorization endpoint and login page), and stops at a page or at a redirect elsewhere,
 * which is the authorization response reaching the client.
 */
export class Browser {
  readonly jar = new CookieJar()

  constructor(private readonly op: Op) {}

  async open(url: URL | string, form?: Record<string, string>): Promise<Arrival> {
    let target = new URL(url)
    let body = form
    for (let hops = 0; hops < 10; hops++) {
      const headers = new Headers(this.jar.cookies.size > 0 ? { cookie: this.jar.header() } : {})
      if (body) headers.set('content-type', 'application/x-www-form-urlencoded')
      const response = await this.op.provider.handle(
        new Request(target, { method: body ? 'POST' : 'GET', headers, ...(body ? { body: new URLSearchParams(body) } : {}) }),
      )
      this.jar.store(response)
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location !== null) {
        target = new URL(location, target)
        body = undefined
        if (target.origin !== ORIGIN) return { left: target }
        continue
      }
      const html = await response.text()
      return { page: { url: target, status: response.status, html, form: readForm(html, target) } }
    }
    throw new Error('too many redirects')
  }

  /** Submits the page's form with its hidden fields, plus what the user types or the button pressed. */
  submit(page: Page, input: Record<string, string> = {}): Promise<Arrival> {
    if (!page.form) throw new Error(`no form on ${page.url}`)
    return this.open(page.form.action, { ...page.form.fields, ...input })
  }

  get signedIn(): boolean {
    return this.jar.cookies.has('gl_session')
  }
}

const isLoginPage = (page: Page) => /name="username"/.test(page.html)
const isConsentPage = (page: Page) => page.form?.fields.interaction !== undefined
const isFormPost = (page: Page) => page.form !== undefined && page.form.action.origin !== ORIGIN

/**
 * The user's part of an authentication request: opens the authorization URL, signs in on the
 * login page and answers the consent page when they show. Answers what reaches the client: the
 * redirect to its callback, or, for form_post, the POST the page's form makes to it (its hidden
 * inputs parsed as a browser would send them).
 */
export async function authorize(
  browser: Browser,
  url: URL,
  options: { decision?: 'allow' | 'deny'; password?: string; onConsent?: (page: Page) => void } = {},
): Promise<URL | Request> {
  let arrival = await browser.open(url)
  for (let steps = 0; steps < 5; steps++) {
    if (arrival.left) return arrival.left
    const { page } = arrival
    if (isFormPost(page)) {
      const form = page.form!
      return new Request(form.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form.fields),
      })
    }
    if (isLoginPage(page)) arrival = await browser.submit(page, { username: 'alice', password: options.password ?? PASSWORD })
    else if (isConsentPage(page)) {
      options.onConsent?.(page)
      arrival = await browser.submit(page, options.decision === 'deny' ? { deny: 'Cancel' } : { allow: 'Authorize' })
    } else throw new Error(`unexpected page ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`)
  }
  throw new Error('the authorization did not finish')
}

/** A fresh state, nonce and PKCE pair (RFC 7636 §4.1-4.2) for one authentication request. */
export async function requestSecrets() {
  const verifier = client.randomPKCECodeVerifier()
  return {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier,
    challenge: await client.calculatePKCECodeChallenge(verifier),
  }
}

/**
 * The authorization code flow of OIDC Core §3.1 as an RP runs it: the authorization URL with
 * S256 PKCE, state and nonce, the user's browser, then the code grant with every check.
 */
export async function codeFlow(config: client.Configuration, browser: Browser, params: Record<string, string> = {}) {
  const { state, nonce, verifier, challenge } = await requestSecrets()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  })
  const callback = await authorize(browser, url)
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
  })
  return { tokens, nonce, state, callback }
}

/** The provider's published key set (RFC 7517), fetched as any relying party would. */
export async function publishedKeys(op: { fetch: (url: string) => Promise<Response> }): Promise<{ keys: Record<string, unknown>[] }> {
  const response = await op.fetch(JWKS_URI)
  expect(response.status).toBe(200)
  return (await response.json()) as { keys: Record<string, unknown>[] }
}

/** Verifies a JWT with jose against the key set published now, on the provider's clock. */
export async function verifyThroughJwks(
  op: { fetch: (url: string) => Promise<Response>; clock: { now(): number } },
  jwt: string,
  audience: string,
  algorithms: SigningAlg[] = ['RS256', 'ES256', 'EdDSA'],
): Promise<{ payload: JWTPayload; kid: string | undefined; alg: string }> {
  const jwks = createLocalJWKSet((await publishedKeys(op)) as Parameters<typeof createLocalJWKSet>[0])
  const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
    issuer: ISSUER,
    audience,
    algorithms,
    currentDate: new Date(op.clock.now()),
  })
  return { payload, kid: protectedHeader.kid, alg: protectedHeader.alg }
}

/** The parameters of a callback URL's fragment, asserting the query carries none. */
export function fragment(callback: URL | Request): URLSearchParams {
  expect(callback).toBeInstanceOf(URL)
  const url = callback as URL
  expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI)
  expect(url.search).toBe('')
  return new URLSearchParams(url.hash.slice(1))
}
