import { sha256Hex } from '@grantline/core'
import { type FuzzFixture, ISSUER, ORIGIN } from './fixture.js'
import { ALLOWED_ERRORS, checkErrorBody, ERROR_DESCRIPTION, parseJson, STACK_TRACE, violation } from './oauth-errors.js'
import { classify, goesTo, isLocalPath, type RouteKind } from './routes.js'

/**
 * Core defects the fuzzer found, each pinned by an `it.fails` test in counterexamples.test.ts.
 * While one is open the fuzz properties tolerate exactly that symptom so they keep searching for
 * others; when the fix lands its `it.fails` test fails, and the entry goes with it.
 */
/** Core defects the checks tolerate while their fix is pending: none are open. */
export const KNOWN_DEFECTS: Record<string, boolean> = {}

export interface Exchange {
  request: Request
  response: Response
  /** What of the request may be echoed back (see `echoable`); computed only when a check needs it. */
  echo: () => string
  /** The request's parameters (query and form body), when they are known as pairs. */
  params?: readonly [string, string][]
}

interface Context {
  fx: FuzzFixture
  exchange: Exchange
  route: RouteKind
  text: string
  where: string
}

const header = (response: Response, name: string) => response.headers.get(name) ?? ''

/**
 * The properties every response of every endpoint has: never a 5xx; RFC
 * 6749 §5.2 errors from the JSON endpoints with no-store; HTML with the page headers from the
 * pages; redirects only to a registered URI or a local path; no stack trace, no known secret.
 * Answers the outcome as a label (status and error code), for the suites' coverage checks.
 */
export async function checkExchange(fx: FuzzFixture, exchange: Exchange): Promise<string> {
  const { request, response } = exchange
  const pathname = new URL(request.url).pathname
  const text = await response.text()
  const ctx: Context = { fx, exchange, route: classify(pathname), text, where: `${request.method} ${pathname} -> ${response.status}` }
  checkEveryResponse(ctx)
  checkCors(ctx)
  if (response.status >= 300 && response.status < 400) checkRedirect(ctx)
  else await checkByEndpoint(ctx)
  return outcome(response, text)
}

/** The outcome of a response as a label: its status and, for an error, the error code. */
function outcome(response: Response, text: string): string {
  const location = response.headers.get('location')
  if (location !== null) {
    const url = new URL(location, ISSUER)
    const params = new URLSearchParams(url.hash ? url.hash.slice(1) : url.search)
    return `${response.status} ${params.get('error') ?? (params.has('code') || params.has('access_token') ? 'granted' : url.pathname)}`
  }
  const error = /^\{"error":"([a-z_]+)"/.exec(text)?.[1]
  return error ? `${response.status} ${error}` : String(response.status)
}

function checkEveryResponse({ fx, exchange, text, where }: Context): void {
  const { response, echo } = exchange
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')
  if (response.status >= 500) violation(`${where}: status ${response.status}: ${text.slice(0, 300)}`)
  if (fx.errors.length > 0) violation(`${where}: onError received ${String(fx.errors[0])}`)
  for (const secret of fx.secrets) {
    if ((text.includes(secret) || headers.includes(secret)) && !echo().includes(secret))
      violation(`${where}: a known secret is in the response`)
  }
  for (const part of [text, headers]) {
    for (const match of part.matchAll(STACK_TRACE)) {
      if (!echo().includes(match[0])) violation(`${where}: stack-trace-like text "${match[0]}" in the response`)
    }
  }
  // docs/architecture.md "Identity": every cookie is HttpOnly; SameSite=Lax; Path=/, and Secure on https.
  for (const line of response.headers.getSetCookie()) {
    if (!['Path=/', 'HttpOnly', 'SameSite=Lax', 'Secure'].every((part) => line.split('; ').includes(part))) {
      violation(`${where}: Set-Cookie ${line.split('=')[0]} without HttpOnly; SameSite=Lax; Path=/; Secure`)
    }
  }
  // RFC 9110 §15.5.6: a 405 names the methods that work.
  if (response.status === 405 && !header(response, 'allow')) violation(`${where}: 405 without Allow`)
  // RFC 9700 §4.12: never 307 (it would re-POST credentials to the client).
  if (response.status === 307 || response.status === 308) violation(`${where}: ${response.status} redirect`)
}

/**
 * RFC 9700 §2.6: no CORS at the authorization endpoint or on any page; at the token, revocation
 * and introspection endpoints only the request's own Origin, and only when some client lists it;
 * never with credentials. Metadata, JWKS and UserInfo are public to any origin (`*`).
 */
function checkCors({ fx, exchange: { request, response }, route, where }: Context): void {
  const allowOrigin = response.headers.get('access-control-allow-origin')
  if (response.headers.has('access-control-allow-credentials')) violation(`${where}: Access-Control-Allow-Credentials`)
  if (allowOrigin === null) return
  if (route.kind === 'metadata' || route.kind === 'userinfo') {
    if (allowOrigin !== '*') violation(`${where}: public endpoint with Access-Control-Allow-Origin ${allowOrigin}`)
    return
  }
  if (route.kind !== 'oauth') violation(`${where}: CORS on a ${route.kind} page (RFC 9700 §2.6)`)
  const listed = Object.values(fx.clients).some(({ client }) => client.allowed_cors_origins.includes(allowOrigin))
  if (allowOrigin !== request.headers.get('origin') || !listed) violation(`${where}: Access-Control-Allow-Origin ${allowOrigin}`)
}

/** Which absolute places a redirect from this endpoint may go to. */
function allowedTargets({ fx, route, exchange }: Context): readonly string[] {
  if (route.kind === 'logout') return fx.postLogoutUris
  if (route.kind !== 'authorize') return []
  // An authorization request (not a consent decision) names its client: only its redirect URIs.
  const { params } = exchange
  const named = new Set(params?.filter(([name]) => name === 'client_id').map(([, value]) => value))
  const client = Object.values(fx.clients).find(({ client }) => named.has(client.client_id))
  const decision = params?.some(([name]) => name === 'interaction') ?? true
  return client && named.size === 1 && !decision ? client.client.redirect_uris : fx.redirectUris
}

/** RFC 6749 §3.1.2, RFC 9700 §4.1.3 and §4.12: a registered URI or a local path; after a POST, a 303. */
function checkRedirect(ctx: Context): void {
  const { exchange, route, where } = ctx
  const { request, response } = exchange
  const location = response.headers.get('location')
  if (location === null) violation(`${where}: ${response.status} without Location`)
  if (!isLocalPath(location) && !allowedTargets(ctx).some((uri) => goesTo(location, uri))) violation(`${where}: redirect to ${location}`)
  if (route.kind === 'authorize' && !isLocalPath(location)) {
    const url = new URL(location)
    checkAuthorizationResponse(new URLSearchParams(url.hash ? url.hash.slice(1) : url.search), where)
  }
  if (request.method === 'POST' && response.status !== 303) violation(`${where}: a POST answered by ${response.status} to ${location}`)
}

function checkAuthorizationResponse(params: URLSearchParams, where: string): void {
  // RFC 9207 §2: iss in every authorization response, success or error.
  if (params.get('iss') !== ISSUER) violation(`${where}: iss is ${params.get('iss')}, not ${ISSUER}`)
  // RFC 9700 §2.1.2 / RFC 6749 §4.2.2: never a refresh token from the authorization endpoint.
  if (params.has('refresh_token')) violation(`${where}: a refresh token from the authorization endpoint`)
  const error = params.get('error')
  if (error === null) return
  if (!(ALLOWED_ERRORS.authorize as readonly string[]).includes(error))
    violation(`${where}: error "${error}" is not an authorization error`)
  const description = params.get('error_description')
  if (description !== null && !ERROR_DESCRIPTION.test(description)) violation(`${where}: error_description ${JSON.stringify(description)}`)
}

async function checkByEndpoint(ctx: Context): Promise<void> {
  const { route, exchange, where } = ctx
  switch (route.kind) {
    case 'oauth':
      return checkOAuthEndpoint(ctx, route.endpoint)
    case 'userinfo':
      return checkUserinfo(ctx)
    case 'metadata':
      return checkMetadata(ctx)
    case 'unknown':
      if (exchange.response.status !== 404) violation(`${where}: an unknown path answered ${exchange.response.status}`)
      return
    default:
      return checkPage(ctx)
  }
}

function checkNoStore(response: Response, where: string): void {
  if (header(response, 'cache-control') !== 'no-store')
    violation(`${where}: Cache-Control is "${header(response, 'cache-control')}", not no-store`)
}

/** RFC 6749 §5.1-5.2, RFC 7009 §2.2, RFC 7662 §2.2-2.3: JSON, no-store, the endpoint's errors. */
async function checkOAuthEndpoint(
  { fx, exchange: { request, response }, text, where }: Context,
  endpoint: 'token' | 'revoke' | 'introspect',
) {
  // A CORS preflight (Fetch §3.2.2) has no body to cache.
  if (request.method === 'OPTIONS' && response.status === 204 && text === '') return
  checkNoStore(response, where)
  if (header(response, 'pragma') !== 'no-cache') violation(`${where}: no Pragma: no-cache`)
  if (text === '' && response.status === 200 && endpoint === 'revoke') return
  if (!/^application\/json/.test(header(response, 'content-type'))) violation(`${where}: content-type ${header(response, 'content-type')}`)
  const body = parseJson(text, where) as Record<string, unknown>
  if (response.status === 429) {
    // RFC 6585 §4: too many failed client authentications, with Retry-After.
    checkErrorBody(body, ['temporarily_unavailable'], where)
    if (!/^[1-9]\d*$/.test(header(response, 'retry-after'))) violation(`${where}: 429 without Retry-After`)
  } else if (response.status >= 400) {
    const error = checkErrorBody(body, ALLOWED_ERRORS[endpoint], where)
    // RFC 6749 §5.2: after Basic, invalid_client is a 401 with a Basic challenge.
    const usedBasic = /^basic /i.test(request.headers.get('authorization') ?? '')
    if (error === 'invalid_client' && usedBasic && (response.status !== 401 || !/^Basic /.test(header(response, 'www-authenticate')))) {
      violation(`${where}: invalid_client after Basic without 401 and a Basic challenge`)
    }
  } else if (endpoint === 'token') {
    await checkTokenResponse(fx, body, where)
  } else if (endpoint === 'introspect') {
    if (body.active === false && text !== '{"active":false}') violation(`${where}: inactive introspection says more: ${text}`)
    if (body.active !== true && body.active !== false) violation(`${where}: introspection without active`)
  }
}

/** RFC 6749 §5.1, and no token reaches a client unless it is stored (docs/architecture.md "Storage"). */
async function checkTokenResponse(fx: FuzzFixture, tokens: Record<string, unknown>, where: string): Promise<void> {
  if (typeof tokens.access_token !== 'string' || tokens.token_type !== 'Bearer')
    violation(`${where}: a 200 that is no RFC 6749 §5.1 response`)
  const now = Math.floor(fx.clock.now() / 1000)
  if (!(await fx.storage.findAccessToken(sha256Hex(tokens.access_token), now))) violation(`${where}: returned access token is not stored`)
  if (typeof tokens.refresh_token === 'string' && !(await fx.storage.findRefreshToken(sha256Hex(tokens.refresh_token), now))) {
    violation(`${where}: returned refresh token is not stored`)
  }
}

/** OIDC Core §5.3 and RFC 6750 §3: claims as JSON or a JWT; refusals with a Bearer challenge. */
function checkUserinfo({ exchange: { request, response }, text, where }: Context): void {
  if (response.status === 204) {
    if (request.method !== 'OPTIONS') violation(`${where}: 204 for ${request.method}`)
    return
  }
  if (text !== '') checkNoStore(response, where)
  // A 405 or 413 refuses the HTTP request before any token is looked at: a plain RFC 6749 §5.2 body.
  if (response.status === 405 || response.status === 413) return void checkErrorBody(parseJson(text, where), ALLOWED_ERRORS.userinfo, where)
  if (response.status >= 400) {
    const challenge = header(response, 'www-authenticate')
    if (!challenge.startsWith('Bearer realm=')) violation(`${where}: ${response.status} without a Bearer challenge`)
    if (text === '') {
      // RFC 6750 §3.1: a request without a token gets a challenge without an error code.
      if (response.status !== 401 || challenge.includes('error=')) violation(`${where}: empty ${response.status}`)
      return
    }
    const error = checkErrorBody(parseJson(text, where), ALLOWED_ERRORS.userinfo, where)
    if (!challenge.includes(`error="${error}"`)) violation(`${where}: the challenge does not name ${error}`)
    return
  }
  const type = header(response, 'content-type')
  if (/^application\/jwt/.test(type)) {
    if (text.split('.').length !== 3) violation(`${where}: an application/jwt answer that is no JWS`)
    return
  }
  if (!/^application\/json/.test(type)) violation(`${where}: userinfo content-type ${type}`)
  if (typeof (parseJson(text, where) as Record<string, unknown>).sub !== 'string') violation(`${where}: userinfo without sub`)
}

/**
 * RFC 8414 §3, OIDC Discovery §4, RFC 7517: always the JSON document; the issuer and every
 * endpoint come from configuration, whatever Host or X-Forwarded-Host the request carried.
 */
function checkMetadata({ exchange: { response }, text, where }: Context): void {
  if (response.status !== 200) violation(`${where}: metadata answered ${response.status}`)
  if (!/^application\/(json|jwk-set\+json)/.test(header(response, 'content-type'))) violation(`${where}: metadata content-type`)
  const document = parseJson(text, where) as Record<string, unknown>
  if (!('issuer' in document)) return
  if (document.issuer !== ISSUER) violation(`${where}: issuer ${String(document.issuer)}`)
  for (const [name, value] of Object.entries(document)) {
    if (/_(endpoint|uri)$/.test(name) && (typeof value !== 'string' || !value.startsWith(`${ORIGIN}/`)))
      violation(`${where}: ${name} is ${String(value)}`)
  }
}

const unescapeHtml = (value: string) => value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))

/**
 * docs/security.md "Pages": pages are HTML with the CSP, no framing and no caching. An
 * auto-submitted form (Form Post Response Mode §2) posts only to a registered redirect URI, and
 * carries an authorization response like a redirect's.
 */
function checkPage({ fx, exchange: { response }, text, where }: Context): void {
  if (!/^text\/html/.test(header(response, 'content-type')))
    violation(`${where}: a page endpoint answered ${header(response, 'content-type')}`)
  const csp = header(response, 'content-security-policy')
  if (!csp.includes("frame-ancestors 'none'") || !csp.includes("default-src 'none'")) violation(`${where}: page without the CSP: ${csp}`)
  if (header(response, 'x-frame-options') !== 'DENY') violation(`${where}: page without X-Frame-Options: DENY`)
  checkNoStore(response, where)
  const action = /<form method="post" action="([^"]+)"/.exec(text)?.[1]
  if (action === undefined || isLocalPath(unescapeHtml(action))) return
  if (!fx.redirectUris.includes(unescapeHtml(action))) violation(`${where}: a form posts to ${action}`)
  const fields = new URLSearchParams()
  for (const [, name = '', value = ''] of text.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields.append(name, unescapeHtml(value))
  checkAuthorizationResponse(fields, where)
}
