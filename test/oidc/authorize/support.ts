import { createHash, randomBytes } from 'node:crypto'
import type { ClaimsRequest, ClientInput, LoginContext, ProviderConfig } from '@grantline/core'
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose'
import * as client from 'openid-client'
import { expect } from 'vitest'
import { consentFields, form, ISSUER, REDIRECT_URI, setup } from '../../support/provider.js'

export { ISSUER, REDIRECT_URI }

/** A key-encryption key as the environment would hold it: base64url of 32 random bytes. */
export const KEY_ENCRYPTION_KEY = randomBytes(32).toString('base64url')

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'implicit']

/** Every response type of OIDC Core §3 (and `code` / `token` of RFC 6749). */
export const ALL_RESPONSE_TYPES = ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token']

/**
 * The in-process provider with OpenID Connect (ES256) and the implicit grant enabled. The clock
 * starts at the real time so that openid-client, which reads the real clock, accepts the ID
 * Tokens. The accounts record every `loginResponse` context and echo the `claims` request
 * (OIDC Core §5.5) they receive into the claims they release.
 */
export function oidcSetup(overrides: Partial<ProviderConfig> = {}) {
  const s = setup({ oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256' }, grantTypes: GRANT_TYPES, ...overrides })
  s.clock.set(Math.floor(Date.now() / 1000) * 1000)
  const logins: LoginContext[] = []
  const claimsRequests: (ClaimsRequest | undefined)[] = []
  const accounts = s.users.accounts
  const loginResponse = accounts.loginResponse.bind(accounts)
  accounts.loginResponse = (request, context) => {
    logins.push(context)
    return loginResponse(request, context)
  }
  accounts.claims = async (sub, context) => {
    claimsRequests.push(context.claims)
    return { ...(sub === 'user-1' ? { name: 'Alice' } : {}), ...(context.claims ? { requested_claims: context.claims } : {}) }
  }
  return { ...s, logins, claimsRequests }
}

export type OidcSetup = ReturnType<typeof oidcSetup>

/** A confidential client that may use every response type. */
export async function registerOidcClient(s: OidcSetup, input: Partial<ClientInput> = {}) {
  const { client: registered, client_secret } = await s.provider.clients.create({
    client_name: 'OIDC app',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'implicit', 'refresh_token'],
    response_types: ALL_RESPONSE_TYPES,
    ...input,
  })
  return { client_id: registered.client_id, client_secret: client_secret ?? '', client: registered }
}

/** The relying party as openid-client sees it, discovered from the in-process provider. */
export function relyingParty(
  s: OidcSetup,
  reg: { client_id: string; client_secret: string },
  execute: ((config: client.Configuration) => void)[] = [],
) {
  return client.discovery(new URL(ISSUER), reg.client_id, undefined, client.ClientSecretBasic(reg.client_secret), {
    // openid-client's options are a RequestInit in all but the body's declared type.
    [client.customFetch]: (url, options) => s.fetch(url, options as RequestInit),
    execute,
  })
}

/** Verifies an ID Token with jose against the provider's published JWKS (RFC 7517), as an RP would. */
export async function verifyIdToken(s: OidcSetup, idToken: string, clientId: string): Promise<JWTPayload> {
  const response = await s.fetch(`${ISSUER}/.well-known/jwks.json`)
  expect(response.status).toBe(200)
  const jwks = createLocalJWKSet(await response.json())
  const { payload, protectedHeader } = await jwtVerify(idToken, jwks, {
    issuer: ISSUER,
    audience: clientId,
    algorithms: ['ES256'],
    currentDate: new Date(s.clock.now()),
  })
  expect(protectedHeader.alg).toBe('ES256')
  return payload
}

/** OIDC Core §3.3.2.11: the left half of SHA-256 of the ASCII value, base64url (computed here independently). */
export function leftHalfHash(value: string): string {
  return createHash('sha256').update(value, 'ascii').digest().subarray(0, 16).toString('base64url')
}

export const randomState = () => client.randomState()
export const randomNonce = () => client.randomNonce()

/** A PKCE pair (RFC 7636 §4.1-4.2). */
export async function pkce(): Promise<{ verifier: string; challenge: string }> {
  const verifier = client.randomPKCECodeVerifier()
  return { verifier, challenge: await client.calculatePKCECodeChallenge(verifier) }
}

/** The authorization endpoint URL with these parameters. */
export function authorizeUrl(params: Record<string, string>): URL {
  const url = new URL(`${ISSUER}/authorize/`)
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return url
}

export const isConsentPage = (html: string) => /name="interaction"/.test(html)

/** GETs an authorization URL with the session cookie. */
export function get(s: OidcSetup, url: URL | string, cookie?: string): Promise<Response> {
  return s.provider.handle(new Request(url, cookie ? { headers: { cookie } } : {}))
}

/** Posts the consent form of `html` (approve or deny) with the session cookie. */
export function decide(s: OidcSetup, html: string, cookie: string, decision: 'allow' | 'deny' = 'allow'): Promise<Response> {
  const fields = consentFields(html)
  const { headers, ...init } = form({ ...fields, ...(decision === 'allow' ? { allow: 'Authorize' } : {}) })
  return s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie } }))
}

/** A browser's walk: GET the URL and, if the consent page shows, answer it. Answers the last response. */
export async function browse(s: OidcSetup, url: URL | string, cookie: string, decision: 'allow' | 'deny' = 'allow'): Promise<Response> {
  const first = await get(s, url, cookie)
  if (first.status !== 200) return first
  const html = await first.clone().text()
  return isConsentPage(html) ? decide(s, html, cookie, decision) : first
}

/** The Location of a redirect. */
export function location(response: Response): URL {
  const value = response.headers.get('location')
  expect(value, `a redirect, got ${response.status}`).toBeTruthy()
  return new URL(value as string, ISSUER)
}

/** The parameters of a redirect's fragment, asserting the query carries none of them. */
export function fragmentParams(redirect: Response | URL): URLSearchParams {
  const url = redirect instanceof URL ? redirect : location(redirect)
  expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI)
  expect(url.search).toBe('')
  expect(url.hash).not.toBe('')
  return new URLSearchParams(url.hash.slice(1))
}

/** The parameters of a redirect's query, asserting there is no fragment. */
export function queryParams(redirect: Response | URL): URLSearchParams {
  const url = redirect instanceof URL ? redirect : location(redirect)
  expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI)
  expect(url.hash).toBe('')
  return url.searchParams
}

export interface FormPost {
  action: string
  fields: Record<string, string>
  scriptNonce: string | undefined
  csp: Map<string, string>
  html: string
}

const unescapeHtml = (value: string) => value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

/** Reads a Form Post Response Mode page (OAuth 2.0 Form Post Response Mode §2): its form, script and CSP. */
export async function readFormPost(response: Response): Promise<FormPost> {
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/html/)
  const html = await response.text()
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1]
  expect(action, 'a POST form').toBeDefined()
  const fields: Record<string, string> = {}
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[unescapeHtml(match[1] as string)] = unescapeHtml(match[2] as string)
  }
  const csp = new Map<string, string>()
  for (const directive of (response.headers.get('content-security-policy') ?? '').split(';')) {
    const [name, ...values] = directive.trim().split(' ')
    if (name) csp.set(name, values.join(' '))
  }
  return { action: unescapeHtml(action as string), fields, scriptNonce: /<script nonce="([^"]+)">/.exec(html)?.[1], csp, html }
}

/** What the browser sends to the redirect URI when the form_post page submits. */
export function formPostRequest(page: FormPost): Request {
  return new Request(page.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(page.fields),
  })
}
