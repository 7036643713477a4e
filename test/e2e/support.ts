import type { ClientInput } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { authorizeAs, consentFields, form, ISSUER, REDIRECT_URI, type Setup } from '../support/provider.js'

/**
 * The server metadata a client would discover (RFC 8414 §2), written by hand until discovery
 * exists. `authorization_response_iss_parameter_supported` makes oauth4webapi require `iss` in
 * every authorization response (RFC 9207 §2.4), not just compare it when present.
 */
export function metadata(base = ISSUER, issuer = ISSUER): oauth.AuthorizationServer {
  return {
    issuer,
    authorization_endpoint: `${base}/authorize/`,
    token_endpoint: `${base}/token/`,
    revocation_endpoint: `${base}/revoke_token/`,
    introspection_endpoint: `${base}/introspect/`,
    authorization_response_iss_parameter_supported: true,
  }
}

export const as = metadata()

/** oauth4webapi request options that send every request to the in-process provider. */
export const via = (s: Setup) => ({ [oauth.customFetch]: s.fetch })

export interface Registered {
  /** The client as oauth4webapi sees it. */
  client: oauth.Client
  /** The client authentication matching its registered token_endpoint_auth_method. */
  auth: oauth.ClientAuth
  secret: string | undefined
}

/** Registers a client (redirect URI defaulted) and returns what a real client app would hold. */
export async function register(s: Setup, input: Partial<ClientInput> = {}): Promise<Registered> {
  const { client, client_secret } = await s.provider.clients.create({ client_name: 'E2E app', redirect_uris: [REDIRECT_URI], ...input })
  const method = client.token_endpoint_auth_method
  const auth =
    method === 'none'
      ? oauth.None()
      : method === 'client_secret_post'
        ? oauth.ClientSecretPost(client_secret!)
        : oauth.ClientSecretBasic(client_secret!)
  return { client: { client_id: client.client_id }, auth, secret: client_secret }
}

export interface Started {
  url: URL
  verifier: string
  state: string
  redirectUri: string
}

/** Builds an authorization request URL (RFC 6749 §4.1.1) with S256 PKCE (RFC 7636 §4.1-4.3). */
export async function begin(client: oauth.Client, params: Record<string, string> = {}, server = as): Promise<Started> {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(server.authorization_endpoint!)
  url.searchParams.set('client_id', client.client_id)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('redirect_uri', REDIRECT_URI)
  url.searchParams.set('state', state)
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
  url.searchParams.set('code_challenge_method', 'S256')
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  return { url, verifier, state, redirectUri: params.redirect_uri ?? REDIRECT_URI }
}

/** The Location of a redirect response, resolved as a browser at `base` would resolve it. */
export function location(response: Response, base: string | URL = ISSUER): URL {
  const value = response.headers.get('location')
  if (value === null) throw new Error(`expected a redirect, got ${response.status}`)
  return new URL(value, base)
}

/** Redeems the code of an authorization response (RFC 6749 §4.1.3-4.1.4). */
export async function redeem(
  s: Setup,
  reg: Registered,
  started: Started,
  redirect: URL,
  server = as,
): Promise<oauth.TokenEndpointResponse> {
  const params = oauth.validateAuthResponse(server, reg.client, redirect, started.state)
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    reg.client,
    reg.auth,
    params,
    started.redirectUri,
    started.verifier,
    via(s),
  )
  return oauth.processAuthorizationCodeResponse(server, reg.client, response)
}

/** The whole code flow for a signed-in user: authorization request, consent, code redemption. */
export async function codeFlow(s: Setup, reg: Registered, cookie: string, params: Record<string, string> = {}) {
  const started = await begin(reg.client, params)
  return redeem(s, reg, started, location(await authorizeAs(s, cookie, started.url)))
}

export async function refresh(s: Setup, reg: Registered, refreshToken: string, params: Record<string, string> = {}) {
  const response = await oauth.refreshTokenGrantRequest(as, reg.client, reg.auth, refreshToken, { ...via(s), additionalParameters: params })
  return oauth.processRefreshTokenResponse(as, reg.client, response)
}

export async function introspect(s: Setup, reg: Registered, token: string, params: Record<string, string> = {}) {
  const response = await oauth.introspectionRequest(as, reg.client, reg.auth, token, { ...via(s), additionalParameters: params })
  return oauth.processIntrospectionResponse(as, reg.client, response)
}

export async function revoke(s: Setup, reg: Registered, token: string, params: Record<string, string> = {}) {
  const response = await oauth.revocationRequest(as, reg.client, reg.auth, token, { ...via(s), additionalParameters: params })
  return oauth.processRevocationResponse(response)
}

/**
 * `authorizeAs` for a provider on any basePath: posts the consent form to the action the page
 * names (resolved against the page's URL) instead of the default `/o/authorize/`.
 */
export async function authorizeAtFormAction(s: Setup, cookie: string, url: URL): Promise<Response> {
  const first = await s.provider.handle(new Request(url, { headers: { cookie } }))
  if (first.status !== 200) return first
  const html = await first.text()
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  if (action === undefined) throw new Error('the consent page has no form')
  const { headers, ...init } = form({ ...consentFields(html), allow: 'Authorize' })
  return s.provider.handle(new Request(new URL(action, url), { ...init, headers: { ...headers, cookie } }))
}
