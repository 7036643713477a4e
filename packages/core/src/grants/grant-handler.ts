import type { ProviderContext } from '../context.js'
import type { Params } from '../http/form.js'
import type { Client } from '../storage.js'
import type { TokenResponse } from '../tokens.js'

export interface GrantContext {
  request: Request
  params: Params
  /** The authenticated client, already allowed to use this grant. */
  client: Client
  provider: ProviderContext
  /** Epoch seconds. */
  now: number
}

/**
 * One grant type of the token endpoint (RFC 6749 §4). Register more through
 * `createProvider({ grants: [...] })`; a handler throws OAuthError for protocol errors.
 */
export interface GrantHandler {
  grantType: string
  /** The parameters this grant reads, besides grant_type and client authentication. */
  parameters: readonly string[]
  handle(context: GrantContext): Promise<TokenResponse>
}
