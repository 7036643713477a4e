import type { Params } from '../http/form.js'
import type { Client, TokenEndpointAuthMethod } from '../storage.js'

export interface ClientCredentials {
  clientId: string
  secret?: string
}

/**
 * One client authentication method (RFC 6749 §2.3, RFC 7591 `token_endpoint_auth_method`):
 * it finds its credentials in a request, or answers null when the request did not use it.
 */
export interface ClientAuthMethod {
  name: TokenEndpointAuthMethod | (string & {})
  extract(request: Request, params: Params): ClientCredentials | null
  verify(client: Client, credentials: ClientCredentials): boolean
}
