import type { ProviderContext } from '../../context.js'
import { OAuthError } from '../../errors.js'
import type { Params } from '../../http/form.js'
import { checkChallenge } from '../../pkce.js'
import { matchRedirectUri } from '../../redirect-uri.js'
import { resolveScopes } from '../../scopes.js'
import type { Client, CodeRecord } from '../../storage.js'

export type ResponseMode = 'query' | 'fragment'

/** Where an authorization response may go: known only once client and redirect_uri are validated. */
export interface RedirectTarget {
  redirectUri: string
  mode: ResponseMode
  state: string | undefined
}

/** A validated authorization request (RFC 6749 §4.1.1, §4.2.1). */
export interface AuthorizationRequest {
  client: Client
  target: RedirectTarget
  /** The redirect_uri parameter as sent, or null when it was omitted. */
  requestedRedirectUri: string | null
  responseType: 'code' | 'token'
  scopes: string[]
  pkce: Pick<CodeRecord, 'code_challenge' | 'code_challenge_method'>
  params: Params
}

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

async function checkClient(provider: ProviderContext, params: Params): Promise<Client> {
  const clientId = params.get('client_id')
  if (clientId === undefined) throw new OAuthError('invalid_request', 'the client_id parameter is required')
  const client = await provider.config.storage.getClient(clientId)
  if (!client) throw new OAuthError('invalid_request', 'the client_id is unknown')
  return client
}

/** RFC 6749 §3.1.2.3 and RFC 9700 §4.1.3: exact match against a registered URI. */
function checkRedirectUri(provider: ProviderContext, client: Client, params: Params): string {
  const requested = params.get('redirect_uri')
  if (requested === undefined) {
    const [only, ...others] = client.redirect_uris
    if (only === undefined || others.length > 0) throw new OAuthError('invalid_request', 'the redirect_uri parameter is required for this client')
    return only
  }
  if (!matchRedirectUri(requested, client.redirect_uris, provider.config.allowLocalhostLoopback)) {
    throw new OAuthError('invalid_request', 'the redirect_uri is not registered for this client')
  }
  return requested
}

function checkResponseType(provider: ProviderContext, client: Client, responseType: string | undefined): 'code' | 'token' {
  if (responseType === undefined) throw new OAuthError('invalid_request', 'the response_type parameter is required')
  const enabled = responseType === 'code' || (responseType === 'token' && provider.config.grantTypes.includes('implicit'))
  if (!enabled) throw new OAuthError('unsupported_response_type', `the response_type "${responseType}" is not supported`)
  if (!client.response_types.includes(responseType)) {
    throw new OAuthError('unauthorized_client', `this client may not use response_type "${responseType}"`)
  }
  return responseType
}

/** Runs the checks of RFC 6749 §4.1.1 in order; anything after the redirect check is redirectable. */
export async function validateAuthorizationRequest(provider: ProviderContext, params: Params): Promise<AuthorizationRequest> {
  const client = await checkClient(provider, params)
  const redirectUri = checkRedirectUri(provider, client, params)
  const responseType = params.get('response_type')
  const target: RedirectTarget = { redirectUri, mode: responseType === 'token' ? 'fragment' : 'query', state: params.get('state') }
  try {
    const { config } = provider
    const type = checkResponseType(provider, client, responseType)
    const scopes = resolveScopes(params.get('scope'), client, config.scopes, config.defaultScopes)
    const pkce = type === 'code' ? checkChallenge(config, client, params) : { code_challenge: null, code_challenge_method: null }
    return { client, target, requestedRedirectUri: params.get('redirect_uri') ?? null, responseType: type, scopes, pkce, params }
  } catch (error) {
    if (error instanceof OAuthError) throw new RedirectableError(error, target)
    throw error
  }
}
