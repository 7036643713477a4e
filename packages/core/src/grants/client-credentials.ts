import type { GrantHandler } from '../contracts/grant-handler.js'
import { OAuthError } from '../primitives/errors.js'
import { requestedResources, resolveResources } from '../protocol/resources.js'
import { resolveScopes } from '../protocol/scopes.js'

/**
 * RFC 6749 §4.4: a confidential client acting for itself; no refresh token (§4.4.3). RFC 8707
 * §2: its `resource` values are the token's audience.
 */
export const clientCredentials: GrantHandler = {
  grantType: 'client_credentials',
  parameters: ['scope', 'resource'],
  async handle({ params, client, config, issue }) {
    if (client.client_type !== 'confidential') throw new OAuthError('unauthorized_client', 'client_credentials needs a confidential client')
    const scopes = resolveScopes(params.get('scope'), client, config.scopes, config.defaultScopes)
    const resource = resolveResources(config.resources, requestedResources(params.get('resource')), client.client_id)
    return issue({ scopes, resource })
  },
}
