import type { ProviderContext } from '../context.js'
import type { Params } from '../http/form.js'
import type { Client, Family } from '../storage.js'
import type { TokenResponse } from '../tokens.js'

/** What a new grant holds: its scopes, and the user when there is one. */
export type GrantFields = Pick<Family, 'scopes'> & Partial<Pick<Family, 'sub' | 'auth_time' | 'acr' | 'amr' | 'resource'>>

export interface GrantContext {
  request: Request
  params: Params
  /** The authenticated client, already allowed to use this grant. */
  client: Client
  provider: ProviderContext
  /** Epoch seconds. */
  now: number
  /**
   * Stores a new grant (family) with its access token, and a refresh token when `refresh` is set
   * and both server and client use refresh_token; answers the RFC 6749 §5.1 response.
   */
  issue(fields: GrantFields, options?: { refresh?: boolean }): Promise<TokenResponse>
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
