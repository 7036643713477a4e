import * as oauth from 'oauth4webapi'
import { type CreatedClient, REDIRECT_URI, type ServerProcess } from './support.js'

/**
 * The client side of the server tests: a browser (cookie jar, login form, consent page) and a
 * client app (oauth4webapi with the real fetch), both talking HTTP to a `grantline serve` process.
 */

// ---------------------------------------------------------------------------------------------
// A browser: a cookie jar, the login form and the consent page

/** Cookies by name, as one browser holds them for 127.0.0.1 (path `/`, no expiry). */
export class CookieJar {
  readonly cookies = new Map<string, string>()

  /** Stores the response's Set-Cookie values; `Max-Age=0` removes one. */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at).trim()
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name)
      else this.cookies.set(name, pair.slice(at + 1).trim())
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** A request as the browser would send it: cookies attached, redirects not followed. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookies.size > 0) headers.set('cookie', this.header())
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    this.take(response)
    return response
  }

  /** Posts a form (application/x-www-form-urlencoded). */
  post(url: string | URL, fields: Record<string, string>): Promise<Response> {
    return this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
  }
}

/** The value of a hidden input of an HTML page. */
export function hiddenField(html: string, name: string): string {
  const value = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1]
  if (value === undefined) throw new Error(`the page has no hidden "${name}" field:\n${html.slice(0, 2000)}`)
  return value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
}

/** GET /accounts/login/ (plants `gl_csrf`), then POST username, password, csrf and next. */
export async function login(server: ServerProcess, jar: CookieJar, username: string, password: string, next = '/'): Promise<Response> {
  const form = await jar.fetch(`${server.origin}/accounts/login/?next=${encodeURIComponent(next)}`)
  if (form.status !== 200) throw new Error(`GET /accounts/login/ answered ${form.status}`)
  const csrf = hiddenField(await form.text(), 'csrf')
  return jar.post(`${server.origin}/accounts/login/`, { username, password, csrf, next })
}

/** Where a redirect points, resolved against the request URL. */
export function location(response: Response, base: string | URL): URL {
  const value = response.headers.get('location')
  if (value === null) throw new Error(`expected a redirect, got ${response.status}`)
  return new URL(value, base)
}

/**
 * A signed-out user's browser through the code flow: the authorization request redirects to the
 * login page, the login redirects back, the consent page is approved. Answers the final redirect
 * to the client (`?code=...&state=...&iss=...`) and the values a log must never show.
 */
export async function browserAuthorize(server: ServerProcess, jar: CookieJar, url: URL, user: { username: string; password: string }) {
  const seen: string[] = []
  let response = await jar.fetch(url)
  if (response.status === 302 && location(response, url).pathname === '/accounts/login/') {
    const next = location(response, url).searchParams.get('next')
    if (next === null) throw new Error('the login redirect carries no next')
    const signedIn = await login(server, jar, user.username, user.password, next)
    if (signedIn.status !== 303) throw new Error(`the login answered ${signedIn.status}:\n${await signedIn.text()}`)
    response = await jar.fetch(location(signedIn, server.origin))
  }
  if (response.status === 200) {
    const page = await response.text()
    const interaction = hiddenField(page, 'interaction')
    const csrf = hiddenField(page, 'csrf')
    seen.push(interaction, csrf)
    const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1] ?? '/o/authorize/'
    response = await jar.post(new URL(action, server.origin), { interaction, csrf, allow: 'Authorize' })
  }
  if (response.status !== 303 && response.status !== 302) throw new Error(`the authorization ended with ${response.status}`)
  seen.push(...jar.cookies.values())
  return { redirect: location(response, server.origin), seen }
}

// ---------------------------------------------------------------------------------------------
// oauth4webapi against the real server over http on loopback

/** The server metadata (RFC 8414 §2) a client would discover; written by hand until discovery exists. */
export function authorizationServer(server: ServerProcess): oauth.AuthorizationServer {
  return {
    issuer: server.issuer,
    authorization_endpoint: `${server.issuer}/authorize/`,
    token_endpoint: `${server.issuer}/token/`,
    revocation_endpoint: `${server.issuer}/revoke_token/`,
    introspection_endpoint: `${server.issuer}/introspect/`,
    authorization_response_iss_parameter_supported: true,
  }
}

/** Plain http is allowed only because the server is on loopback. */
export const HTTP = { [oauth.allowInsecureRequests]: true } as const

export interface OAuthClient {
  as: oauth.AuthorizationServer
  client: oauth.Client
  auth: oauth.ClientAuth
}

/** What a client app holds: the server's metadata, its id and its authentication. */
export function oauthClient(server: ServerProcess, created: CreatedClient): OAuthClient {
  return {
    as: authorizationServer(server),
    client: { client_id: created.client_id },
    auth: created.client_secret === null ? oauth.None() : oauth.ClientSecretBasic(created.client_secret),
  }
}

/** The whole code flow with S256 PKCE (RFC 6749 §4.1, RFC 7636) through a real login and consent. */
export async function codeFlow(c: OAuthClient, server: ServerProcess, user: { username: string; password: string }, scope = 'read write') {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(c.as.authorization_endpoint as string)
  url.search = new URLSearchParams({
    client_id: c.client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  const jar = new CookieJar()
  const { redirect, seen } = await browserAuthorize(server, jar, url, user)
  const params = oauth.validateAuthResponse(c.as, c.client, redirect, state)
  const code = redirect.searchParams.get('code') as string
  const response = await oauth.authorizationCodeGrantRequest(c.as, c.client, c.auth, params, REDIRECT_URI, verifier, HTTP)
  const tokens = await oauth.processAuthorizationCodeResponse(c.as, c.client, response)
  return { tokens, redirect, jar, seen: [...seen, code, verifier, state] }
}

export async function refresh(c: OAuthClient, refreshToken: string) {
  const response = await oauth.refreshTokenGrantRequest(c.as, c.client, c.auth, refreshToken, HTTP)
  return oauth.processRefreshTokenResponse(c.as, c.client, response)
}

export async function introspect(c: OAuthClient, token: string) {
  const response = await oauth.introspectionRequest(c.as, c.client, c.auth, token, HTTP)
  return oauth.processIntrospectionResponse(c.as, c.client, response)
}

export async function revoke(c: OAuthClient, token: string) {
  const response = await oauth.revocationRequest(c.as, c.client, c.auth, token, HTTP)
  return oauth.processRevocationResponse(response)
}

export async function clientCredentials(c: OAuthClient, scope?: string) {
  const response = await oauth.clientCredentialsGrantRequest(c.as, c.client, c.auth, scope ? { scope } : {}, HTTP)
  return oauth.processClientCredentialsResponse(c.as, c.client, response)
}

/** RFC 6749 §4.3; oauth4webapi has no helper for the deprecated grant, so it goes generic. */
export async function passwordGrant(c: OAuthClient, username: string, password: string) {
  const response = await oauth.genericTokenEndpointRequest(c.as, c.client, c.auth, 'password', { username, password }, HTTP)
  return oauth.processGenericTokenEndpointResponse(c.as, c.client, response)
}
