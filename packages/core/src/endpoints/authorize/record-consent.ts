import type { AuthorizationRequest } from './authorization-request.js'

/** What an authorization request asks the user to approve. */
export function grantOf(sub: string, authz: AuthorizationRequest): { sub: string; client_id: string; scopes: string[] } {
  return { sub, client_id: authz.client.client_id, scopes: authz.scopes }
}
