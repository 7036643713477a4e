import * as oauth from 'oauth4webapi'
import { authorizeAs, form, ISSUER, REDIRECT_URI, type Setup } from '../support/provider.js'

/** The management pages under the default basePath `/o` of the test issuer. */
export const APPS = '/o/applications/'
export const REGISTER = '/o/applications/register/'
export const TOKENS = '/o/authorized_tokens/'
export const app = (clientId: string, action = '') => `${APPS}${encodeURIComponent(clientId)}/${action ? `${action}/` : ''}`

const url = (path: string) => new URL(path, ISSUER)

export function get(s: Setup, path: string, cookie?: string): Promise<Response> {
  return s.provider.handle(new Request(url(path), { headers: cookie ? { cookie } : {} }))
}

export function post(s: Setup, path: string, cookie: string | undefined, values: Record<string, string>): Promise<Response> {
  const { headers, ...init } = form(values)
  return s.provider.handle(new Request(url(path), { ...init, headers: { ...headers, ...(cookie ? { cookie } : {}) } }))
}

/** The hidden CSRF field of a management page. */
export function csrfOf(html: string): string {
  const value = /name="csrf" value="([^"]+)"/.exec(html)?.[1]
  if (!value) throw new Error('no csrf field on the page')
  return value
}

/** The CSRF value of the signed-in user's session, read from a page as a browser would. */
export async function csrfFor(s: Setup, cookie: string): Promise<string> {
  return csrfOf(await (await get(s, REGISTER, cookie)).text())
}

/** A valid registration form: a confidential code-flow client. */
export const appForm = (overrides: Record<string, string> = {}): Record<string, string> => ({
  client_name: 'Photo Printer',
  client_type: 'confidential',
  'grant_type:authorization_code': 'on',
  'grant_type:refresh_token': 'on',
  redirect_uris: REDIRECT_URI,
  ...overrides,
})

export interface Registered {
  response: Response
  html: string
  clientId: string
  secret: string | undefined
}

/** Registers an application through the register page, as the user behind `cookie`. */
export async function registerApp(s: Setup, cookie: string, overrides: Record<string, string> = {}): Promise<Registered> {
  const response = await post(s, REGISTER, cookie, { ...appForm(overrides), csrf: await csrfFor(s, cookie) })
  const html = await response.text()
  const clientId = /<dt>Client ID<\/dt><dd><code>([^<]+)<\/code>/.exec(html)?.[1]
  if (response.status !== 201 || !clientId) throw new Error(`registration failed: ${response.status} ${html}`)
  const secret = /id="client_secret"[^>]* value="([^"]+)"/.exec(html)?.[1]
  return { response, html, clientId, secret }
}

const as: oauth.AuthorizationServer = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize/`,
  token_endpoint: `${ISSUER}/token/`,
  introspection_endpoint: `${ISSUER}/introspect/`,
  authorization_response_iss_parameter_supported: true,
}

const via = (s: Setup) => ({ [oauth.customFetch]: s.fetch })

/**
 * The code flow through the consent page, driven by oauth4webapi (RFC 6749 §4.1, RFC 7636):
 * answers the tokens the confidential client `clientId` receives for `scope`.
 */
export async function codeFlow(s: Setup, cookie: string, clientId: string, secret: string, scope = 'read write') {
  const client: oauth.Client = { client_id: clientId }
  const auth = oauth.ClientSecretBasic(secret)
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const start = new URL(as.authorization_endpoint!)
  for (const [name, value] of Object.entries({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })) {
    start.searchParams.set(name, value)
  }
  const landed = new URL((await authorizeAs(s, cookie, start)).headers.get('location') ?? '')
  const params = oauth.validateAuthResponse(as, client, landed, state)
  const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT_URI, verifier, via(s))
  return oauth.processAuthorizationCodeResponse(as, client, response)
}

/** RFC 7662 introspection as the client itself. */
export async function introspect(s: Setup, clientId: string, secret: string, token: string) {
  const client: oauth.Client = { client_id: clientId }
  const response = await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(secret), token, via(s))
  return oauth.processIntrospectionResponse(as, client, response)
}
