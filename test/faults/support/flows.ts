import type { ProviderConfig } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { AS, type Exchange, type FaultEnv, ISSUER, REDIRECT_URI } from './env.js'

/** What a flow has learned so far: the values a client (and its user's browser) would hold. */
export interface FlowState {
  verifier: string
  state: string
  consent?: { interaction: string; csrf: string }
  /** The authorization response as oauth4webapi validated it (state, iss), carrying the code. */
  code?: URLSearchParams
  tokens?: { access_token: string; refresh_token?: string }
  refreshed?: { access_token: string; refresh_token?: string }
  second?: URLSearchParams
  service?: { access_token: string }
}

/**
 * One step of a flow: sends one request (the browser's or the client's, built by oauth4webapi)
 * and, when the answer is the expected success, keeps what the next steps need. A step answers
 * false when it did not succeed: the flow stops there, as a client would.
 */
export interface Step {
  name: string
  send(env: FaultEnv, state: FlowState): Promise<Exchange>
  /** Reads the success; false when this answer is not one. */
  keep(state: FlowState, exchange: Exchange, env: FaultEnv): boolean
}

export interface Flow {
  name: string
  steps: Step[]
  /** Provider settings the flow runs under. */
  config?: Partial<ProviderConfig>
}

const json = (exchange: Exchange): Record<string, unknown> => {
  try {
    return JSON.parse(exchange.text) as Record<string, unknown>
  } catch {
    return {}
  }
}

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1]

function authorizationUrl(env: FaultEnv, state: FlowState, challenge: string, extra: Record<string, string> = {}): string {
  const url = new URL(AS.authorization_endpoint as string)
  url.search = new URLSearchParams({
    client_id: env.clients.app.client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile read',
    state: state.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  }).toString()
  return url.href
}

/**
 * An authorization response with a code (RFC 6749 §4.1.2), validated by oauth4webapi (state,
 * iss). A hybrid response comes in the fragment with the ID Token and access token beside the
 * code; its code part is what the token request needs.
 */
function codeOf(env: FaultEnv, state: FlowState, exchange: Exchange): URLSearchParams | undefined {
  const location = exchange.response.headers.get('location')
  if (exchange.response.status !== 303 && exchange.response.status !== 302) return undefined
  if (!location?.startsWith(REDIRECT_URI)) return undefined
  const url = new URL(location)
  const received = new URLSearchParams(url.hash ? url.hash.slice(1) : url.search)
  if (url.hash && !(received.has('id_token') && received.has('access_token'))) return undefined
  const parts = new URLSearchParams([...received].filter(([name]) => ['code', 'state', 'iss', 'error'].includes(name)))
  try {
    const params = oauth.validateAuthResponse(AS, { client_id: env.clients.app.client.client_id }, parts, state.state)
    return params.has('code') ? params : undefined
  } catch {
    return undefined
  }
}

const auth = (env: FaultEnv) => oauth.ClientSecretBasic(env.clients.app.secret)
const app = (env: FaultEnv): oauth.Client => ({ client_id: env.clients.app.client.client_id })

function tokenResponse(exchange: Exchange): { access_token: string; refresh_token?: string } | undefined {
  const body = json(exchange)
  if (exchange.response.status !== 200 || typeof body.access_token !== 'string') return undefined
  return { access_token: body.access_token, ...(typeof body.refresh_token === 'string' ? { refresh_token: body.refresh_token } : {}) }
}

/** The browser posts the consent page's form with "Authorize" (docs/architecture.md "Consent and interactions"). */
function consentDecision(env: FaultEnv, state: FlowState, step: string): Promise<Exchange> {
  return env.send(
    new Request(`${ISSUER}/authorize/`, {
      method: 'POST',
      headers: { cookie: env.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...state.consent, allow: 'Authorize' }),
    }),
    step,
  )
}

const browserGet = (env: FaultEnv, url: string, step: string) => env.send(new Request(url, { headers: { cookie: env.cookie } }), step)

/** Introspection by the app itself (RFC 7662 §2.1); success is a 200, active or not. */
function introspectStep(name: string, token: (state: FlowState) => string | undefined, active: boolean): Step {
  return {
    name,
    send: (env, state) =>
      oauth
        .introspectionRequest(AS, app(env), auth(env), token(state) ?? '', { [oauth.customFetch]: env.fetchAs(name) })
        .then(() => env.exchanges.at(-1) as Exchange),
    keep: (_state, exchange) => exchange.response.status === 200 && json(exchange).active === active,
  }
}

/** Revocation by the app (RFC 7009 §2.1); success is a 200. */
function revokeStep(name: string, token: (state: FlowState) => string | undefined): Step {
  return {
    name,
    send: (env, state) =>
      oauth
        .revocationRequest(AS, app(env), auth(env), token(state) ?? '', { [oauth.customFetch]: env.fetchAs(name) })
        .then(() => env.exchanges.at(-1) as Exchange),
    keep: (_state, exchange) => exchange.response.status === 200,
  }
}

/**
 * The e2e code flow end to end: authorization request and consent, code redemption, introspection,
 * UserInfo, refresh rotation, revocation of access and refresh tokens, then a second authorization
 * that the stored consent answers at once, and its redemption.
 */
export const codeFlow: Flow = {
  name: 'code flow',
  steps: [
    {
      name: 'authorization request (consent page)',
      send: async (env, state) =>
        browserGet(
          env,
          authorizationUrl(env, state, await oauth.calculatePKCECodeChallenge(state.verifier)),
          'authorization request (consent page)',
        ),
      keep(state, exchange) {
        const interaction = field(exchange.text, 'interaction')
        const csrf = field(exchange.text, 'csrf')
        if (exchange.response.status !== 200 || !interaction || !csrf) return false
        state.consent = { interaction, csrf }
        return true
      },
    },
    {
      name: 'consent decision',
      send: (env, state) => consentDecision(env, state, 'consent decision'),
      keep(state, exchange, env) {
        state.code = codeOf(env, state, exchange)
        return state.code !== undefined
      },
    },
    {
      name: 'code redemption',
      send: (env, state) =>
        oauth
          .authorizationCodeGrantRequest(AS, app(env), auth(env), state.code ?? noCode(), REDIRECT_URI, state.verifier, {
            [oauth.customFetch]: env.fetchAs('code redemption'),
          })
          .then(() => env.exchanges.at(-1) as Exchange),
      keep(state, exchange) {
        state.tokens = tokenResponse(exchange)
        return state.tokens?.refresh_token !== undefined
      },
    },
    introspectStep('introspection of the access token', (state) => state.tokens?.access_token, true),
    {
      name: 'userinfo',
      send: (env, state) =>
        oauth
          .userInfoRequest(AS, app(env), state.tokens?.access_token ?? '', { [oauth.customFetch]: env.fetchAs('userinfo') })
          .then(() => env.exchanges.at(-1) as Exchange),
      keep: (_state, exchange) => exchange.response.status === 200 && json(exchange).sub === 'user-1',
    },
    {
      name: 'refresh rotation',
      send: (env, state) =>
        oauth
          .refreshTokenGrantRequest(AS, app(env), auth(env), state.tokens?.refresh_token ?? '', {
            [oauth.customFetch]: env.fetchAs('refresh rotation'),
          })
          .then(() => env.exchanges.at(-1) as Exchange),
      keep(state, exchange) {
        state.refreshed = tokenResponse(exchange)
        return state.refreshed?.refresh_token !== undefined
      },
    },
    introspectStep('introspection of the new refresh token', (state) => state.refreshed?.refresh_token, true),
    revokeStep('revocation of the first access token', (state) => state.tokens?.access_token),
    introspectStep('introspection of the revoked access token', (state) => state.tokens?.access_token, false),
    revokeStep('revocation of the new refresh token', (state) => state.refreshed?.refresh_token),
    introspectStep('introspection of the access token of a revoked grant', (state) => state.refreshed?.access_token, false),
    {
      name: 'second authorization request (remembered consent)',
      send: async (env, state) =>
        browserGet(
          env,
          authorizationUrl(env, state, await oauth.calculatePKCECodeChallenge(state.verifier)),
          'second authorization request (remembered consent)',
        ),
      keep(state, exchange, env) {
        state.second = codeOf(env, state, exchange)
        return state.second !== undefined
      },
    },
    {
      name: 'second code redemption',
      send: (env, state) =>
        oauth
          .authorizationCodeGrantRequest(AS, app(env), auth(env), state.second ?? noCode(), REDIRECT_URI, state.verifier, {
            [oauth.customFetch]: env.fetchAs('second code redemption'),
          })
          .then(() => env.exchanges.at(-1) as Exchange),
      keep: (_state, exchange) => tokenResponse(exchange) !== undefined,
    },
  ],
}

/**
 * OIDC Core §3.3 hybrid flow (`code id_token token`): the ID Token is signed and the access token
 * stored at the authorization endpoint, after consent; then the code is redeemed.
 */
export const hybridFlow: Flow = {
  name: 'hybrid flow',
  steps: [
    {
      name: 'hybrid authorization request (consent page)',
      send: async (env, state) =>
        browserGet(
          env,
          authorizationUrl(env, state, await oauth.calculatePKCECodeChallenge(state.verifier), {
            response_type: 'code id_token token',
            nonce: 'n-0S6_WzA2Mj',
          }),
          'hybrid authorization request (consent page)',
        ),
      keep: (state, exchange) => (codeFlow.steps[0] as Step).keep(state, exchange, undefined as never),
    },
    {
      ...(codeFlow.steps[1] as Step),
      name: 'hybrid consent decision',
      send: (env, state) => consentDecision(env, state, 'hybrid consent decision'),
    },
    {
      ...(codeFlow.steps[2] as Step),
      name: 'hybrid code redemption',
      send: (env, state) =>
        oauth
          .authorizationCodeGrantRequest(AS, app(env), auth(env), state.code ?? noCode(), REDIRECT_URI, state.verifier, {
            [oauth.customFetch]: env.fetchAs('hybrid code redemption'),
          })
          .then(() => env.exchanges.at(-1) as Exchange),
    },
  ],
}

/** RFC 6749 §4.4 for the service client, then introspection and revocation of its token. */
export const clientCredentialsFlow: Flow = {
  name: 'client_credentials flow',
  steps: [
    {
      name: 'client_credentials grant',
      send: (env) =>
        oauth
          .clientCredentialsGrantRequest(
            AS,
            { client_id: env.clients.service.client.client_id },
            oauth.ClientSecretBasic(env.clients.service.secret),
            new URLSearchParams({ scope: 'read' }),
            {
              [oauth.customFetch]: env.fetchAs('client_credentials grant'),
            },
          )
          .then(() => env.exchanges.at(-1) as Exchange),
      keep(state, exchange) {
        const tokens = tokenResponse(exchange)
        if (tokens) state.service = tokens
        return tokens !== undefined
      },
    },
    serviceStep('introspection of the service token', 'introspect', true),
    serviceStep('revocation of the service token', 'revoke', true),
    serviceStep('introspection of the revoked service token', 'introspect', false),
  ],
}

function serviceStep(name: string, kind: 'introspect' | 'revoke', active: boolean): Step {
  return {
    name,
    send(env, state) {
      const client = { client_id: env.clients.service.client.client_id }
      const clientAuth = oauth.ClientSecretBasic(env.clients.service.secret)
      const options = { [oauth.customFetch]: env.fetchAs(name) }
      const token = state.service?.access_token ?? ''
      const sent =
        kind === 'introspect'
          ? oauth.introspectionRequest(AS, client, clientAuth, token, options)
          : oauth.revocationRequest(AS, client, clientAuth, token, options)
      return sent.then(() => env.exchanges.at(-1) as Exchange)
    },
    keep: (_state, exchange) => exchange.response.status === 200 && (kind === 'revoke' || json(exchange).active === active),
  }
}

/** A step that needs a code runs only after the step that got one. */
function noCode(): never {
  throw new Error('a code redemption ran without a code')
}

/** Runs a flow's steps in order (from `from`) until one does not succeed; answers where it stopped. */
export async function runFlow(
  env: FaultEnv,
  flow: Flow,
  state: FlowState,
  from = 0,
): Promise<{ stoppedAt: number; exchanges: Exchange[] }> {
  for (const [index, step] of flow.steps.entries()) {
    if (index < from) continue
    const exchange = await step.send(env, state)
    if (!step.keep(state, exchange, env)) return { stoppedAt: index, exchanges: env.exchanges }
  }
  return { stoppedAt: flow.steps.length, exchanges: env.exchanges }
}

export function newFlowState(): FlowState {
  return { verifier: oauth.generateRandomCodeVerifier(), state: oauth.generateRandomState() }
}
