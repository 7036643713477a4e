import type { ProviderContext } from '../../contracts/context.js'
import type { Params } from '../../contracts/params.js'
import type { Client } from '../../contracts/storage.js'

import { withParams } from '../../http/responses.js'
import { OAuthError } from '../../primitives/errors.js'
import { verifyIdTokenHint } from '../../tokens/id-token-hint.js'

/** The RP-Initiated Logout 1.0 §2 request parameters, carried through the confirmation form. */
const PARAMETERS = ['id_token_hint', 'logout_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'] as const

/** A validated logout request. */
export interface LogoutRequest {
  /** The client the request names, through `id_token_hint`'s audience or `client_id`. */
  clientId: string | undefined
  /** That client's registration, when it still exists. */
  client: Client | null
  /** The registered `post_logout_redirect_uri` with `state`, when the request gave one. */
  redirectTo: string | undefined
  /** The request's own parameters, for the confirmation form to post back. */
  carried: Record<string, string>
}

const invalid = (why: string) => new OAuthError('invalid_request', why)

/**
 * RP-Initiated Logout 1.0 §2-§4: verifies `id_token_hint`, requires `client_id` to be one of its
 * audiences when both are sent, and accepts `post_logout_redirect_uri` only when it exactly equals
 * one the client registered (§3: the OP MUST NOT redirect anywhere else). A failure throws, so
 * nothing is redirected and the user sees a local page.
 */
export async function validateLogoutRequest(provider: ProviderContext, params: Params): Promise<LogoutRequest> {
  const { storage } = provider.config
  const hintValue = params.get('id_token_hint')
  const hint = hintValue === undefined ? undefined : await verifyIdTokenHint(provider, hintValue)
  const requestedClient = params.get('client_id')
  if (hint && requestedClient !== undefined && !hint.audiences.includes(requestedClient)) {
    throw invalid('client_id is not an audience of id_token_hint')
  }
  const clientId = requestedClient ?? hint?.clientId
  const client = clientId === undefined ? null : await storage.getClient(clientId)
  if (requestedClient !== undefined && !client) throw invalid('client_id names no registered client')
  const uri = params.get('post_logout_redirect_uri')
  let redirectTo: string | undefined
  if (uri !== undefined) {
    if (!client) throw invalid('post_logout_redirect_uri needs client_id or an id_token_hint naming a registered client')
    if (!client.post_logout_redirect_uris.includes(uri)) throw invalid('post_logout_redirect_uri is not registered for this client')
    const state = params.get('state')
    redirectTo = state === undefined ? uri : withParams(uri, { state }, 'query')
  }
  const carried: Record<string, string> = {}
  for (const name of PARAMETERS) {
    const value = params.get(name)
    if (value !== undefined) carried[name] = value
  }
  return { clientId, client, redirectTo, carried }
}
