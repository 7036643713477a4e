import { loadClient } from '../../clients/load-client.js'
import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import type { Params } from '../../contracts/params.js'
import type { Client, CodeRecord } from '../../contracts/storage.js'
import { checkBoundResponseType } from '../../dpop/token-proof.js'
import { OAuthError } from '../../primitives/errors.js'

import { supportedResponseTypes } from '../../protocol/capabilities.js'
import { requestedDpopJkt } from '../../protocol/dpop-code-binding.js'
import { checkChallenge } from '../../protocol/pkce.js'
import { matchRedirectUri } from '../../protocol/redirect-uri.js'
import { requestedResources, resolveResources, scopesForAudience } from '../../protocol/resources.js'
import { normaliseResponseType, type ResponseType, responseParts } from '../../protocol/response-type.js'
import { resolveScopes } from '../../protocol/scopes.js'
import { LOGIN_MARKER } from './login-marker.js'
import { checkOidcRequest, type OidcRequest } from './oidc-request.js'
import { resolveRequestObject } from './request-object.js'
import { checkResponseMode, defaultResponseMode, type ResponseMode } from './response-mode.js'

export type { ResponseMode } from './response-mode.js'

/** Where an authorization response may go: known only once client and redirect_uri are validated. */
export interface RedirectTarget {
  redirectUri: string
  mode: ResponseMode
  state: string | undefined
}

/** A validated authorization request (RFC 6749 §4.1.1, §4.2.1; OIDC Core §3.1.2.1, §3.2.2.1, §3.3.2.1). */
export interface AuthorizationRequest {
  client: Client
  target: RedirectTarget
  /** The redirect_uri parameter as sent, or null when it was omitted. */
  requestedRedirectUri: string | null
  responseType: ResponseType
  scopes: string[]
  nonce: string | undefined
  oidc: OidcRequest
  pkce: Pick<CodeRecord, 'code_challenge' | 'code_challenge_method'>
  /** The resources the grant is for (RFC 8707 §2.1), canonical; empty when none was named. */
  resources: string[]
  /** The request's authorization parameters only: what the interaction stores and the login round trip carries. */
  params: Params
  /**
   * Loaded from a pushed request_uri (RFC 9126 §4) or a signed request object (RFC 9101): the
   * login round trip pushes it again rather than carry its parameters, unsigned, in a URL.
   */
  pushed?: boolean
}

/**
 * The parameters an authorization request may carry (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core
 * §3.1.2.1, DOT's approval_prompt). Anything else, such as a client_secret sent here by mistake,
 * is dropped, so it is neither stored with the interaction nor copied into a login URL.
 */
const AUTHORIZATION_PARAMETERS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'dpop_jkt',
  'nonce',
  'response_mode',
  'claims',
  'max_age',
  'prompt',
  'acr_values',
  'ui_locales',
  'login_hint',
  'id_token_hint',
  'approval_prompt',
  'resource',
  LOGIN_MARKER,
])

/**
 * An error raised after the redirect target was validated: it may be sent back to the client
 * (RFC 6749 §4.1.2.1). Errors raised before it are shown on a local page instead.
 */
export class RedirectableError {
  constructor(
    readonly error: OAuthError,
    readonly target: RedirectTarget,
  ) {}
}

async function checkClient(provider: ProviderContext, call: RequestContext, params: Params): Promise<Client> {
  const clientId = params.get('client_id')
  if (clientId === undefined) throw new OAuthError('invalid_request', 'the client_id parameter is required')
  // A Client ID Metadata Document that is refused throws here, before any redirect is trusted.
  const client = await loadClient(provider, call, clientId)
  if (!client) throw new OAuthError('invalid_request', 'the client_id is unknown')
  return client
}

/** RFC 6749 §3.1.2.3 and RFC 9700 §4.1.3: exact match against a registered URI. */
function checkRedirectUri(provider: ProviderContext, client: Client, params: Params): string {
  const requested = params.get('redirect_uri')
  if (requested === undefined) {
    const [only, ...others] = client.redirect_uris
    if (only === undefined || others.length > 0)
      throw new OAuthError('invalid_request', 'the redirect_uri parameter is required for this client')
    return only
  }
  if (!matchRedirectUri(requested, client.redirect_uris, provider.config.allowLocalhostLoopback)) {
    throw new OAuthError('invalid_request', 'the redirect_uri is not registered for this client')
  }
  return requested
}

/**
 * RFC 6749 §3.1.1 and OIDC Core §3: the (normalised) response type must be one the server offers
 * (the OpenID ones need `oidc` and the implicit grant) and one the client registered.
 */
function checkResponseType(provider: ProviderContext, client: Client, responseType: string | undefined): ResponseType {
  if (responseType === undefined) throw new OAuthError('invalid_request', 'the response_type parameter is required')
  const type = normaliseResponseType(responseType)
  if (type === undefined || !supportedResponseTypes(provider).includes(type)) {
    throw new OAuthError('unsupported_response_type', `the response_type "${responseType}" is not supported`)
  }
  if (!client.response_types.some((registered) => normaliseResponseType(registered) === type)) {
    throw new OAuthError('unauthorized_client', `this client may not use response_type "${type}"`)
  }
  return type
}

/**
 * OIDC Core §3.2.2.1, §3.3.2.11: an ID Token from the authorization endpoint needs the openid
 * scope, and every implicit or hybrid OpenID request needs a nonce (it is what binds the ID Token
 * to the client's session, since the token passes through the browser).
 */
function checkOpenIdRequest(type: ResponseType, scopes: string[], nonce: string | undefined): void {
  const openid = scopes.includes('openid')
  if (responseParts(type).idToken && !openid) throw new OAuthError('invalid_request', `response_type "${type}" needs the openid scope`)
  if (openid && type !== 'code' && type !== 'token' && nonce === undefined) {
    throw new OAuthError('invalid_request', 'the nonce parameter is required for the implicit and hybrid flows')
  }
}

/**
 * OIDC Core §6.2: a request_uri other than a pushed one (RFC 9126, read before these checks) is
 * not fetched, and a client that sent one expects its values to be the ones used, so the request
 * is refused rather than answered from the unsigned query.
 */
function checkNoRequestUri(params: Params): void {
  if (params.has('request_uri')) throw new OAuthError('request_uri_not_supported', 'the request_uri parameter is not supported')
}

/**
 * RFC 9101 §6.3: the signed request object's parameters in place of the outer ones. Its failure
 * goes back to the client only at an outer redirect_uri registered for it (the object's is not
 * trusted); otherwise it is shown on a page.
 */
async function signedParameters(provider: ProviderContext, client: Client, params: Params): Promise<Params> {
  try {
    return await resolveRequestObject(provider, client, params)
  } catch (error) {
    if (!(error instanceof OAuthError) || !params.has('redirect_uri')) throw error
    const redirectUri = checkRedirectUri(provider, client, params)
    const responseType = params.get('response_type')
    throw new RedirectableError(error, { redirectUri, mode: defaultResponseMode(provider, responseType), state: params.get('state') })
  }
}

/**
 * Runs the checks of RFC 6749 §4.1.1 and OIDC Core §3.1.2.2 in order; anything after the redirect
 * check is redirectable, in the response mode the request asked for once that is known to be valid.
 */
export async function validateAuthorizationRequest(
  provider: ProviderContext,
  call: RequestContext,
  input: Params,
): Promise<AuthorizationRequest> {
  const client = await checkClient(provider, call, input)
  const signed = input.has('request')
  const params = signed ? await signedParameters(provider, client, input) : input
  const redirectUri = checkRedirectUri(provider, client, params)
  const responseType = params.get('response_type')
  let target: RedirectTarget = { redirectUri, mode: defaultResponseMode(provider, responseType), state: params.get('state') }
  try {
    const { config } = provider
    target = { ...target, mode: checkResponseMode(provider, params.get('response_mode'), target.mode) }
    checkNoRequestUri(params)
    const type = checkResponseType(provider, client, responseType)
    checkBoundResponseType(provider, client, responseParts(type).token)
    const scopes = resolveScopes(params.get('scope'), client, config.scopes, config.defaultScopes)
    const resources = resolveResources(config.resources, requestedResources(params.get('resource')), client.client_id)
    // Refused here, not after the user approved: scopes none of the resources understands.
    scopesForAudience(config.resources, resources, scopes)
    const nonce = params.get('nonce')
    checkOpenIdRequest(type, scopes, nonce)
    const pkce = responseParts(type).code ? checkChallenge(config, client, params) : { code_challenge: null, code_challenge_method: null }
    if (responseParts(type).code) requestedDpopJkt(params)
    const authorizationParams = new Map([...params].filter(([name]) => AUTHORIZATION_PARAMETERS.has(name)))
    const oidc = await checkOidcRequest(provider, authorizationParams)
    return {
      client,
      target,
      requestedRedirectUri: params.get('redirect_uri') ?? null,
      responseType: type,
      scopes,
      nonce,
      oidc,
      pkce,
      resources,
      params: authorizationParams,
      ...(signed ? { pushed: true } : {}),
    }
  } catch (error) {
    if (error instanceof OAuthError) throw new RedirectableError(error, target)
    throw error
  }
}
