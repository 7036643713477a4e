import type { ConsentServices } from '../../consents.js'
import type { ProviderContext } from '../../context.js'
import { emit } from '../../events.js'
import type { AuthorizationRequest } from './authorization-request.js'

/** The provider's services for recording a consent at the authorization endpoint. */
export function consentServices(provider: ProviderContext): ConsentServices {
  return { storage: provider.config.storage, emit: (event) => emit(provider, event), now: provider.config.seconds() }
}

/** What an authorization request asks the user to approve. */
export function grantOf(sub: string, authz: AuthorizationRequest): { sub: string; client_id: string; scopes: string[] } {
  return { sub, client_id: authz.client.client_id, scopes: authz.scopes }
}
