import { OAuthError } from '../errors.js'
import { resolveScopes } from '../scopes.js'
import type { GrantHandler } from './grant-handler.js'

/** RFC 6749 §4.4: a confidential client acting for itself; no refresh token (§4.4.3). */
export const clientCredentials: GrantHandler = {
  grantType: 'client_credentials',
  parameters: ['scope'],
  async handle({ params, client, provider, issue }) {
    const { config } = provider
    if (client.client_type !== 'confidential') throw new OAuthError('unauthorized_client', 'client_credentials needs a confidential client')
    return issue({ scopes: resolveScopes(params.get('scope'), client, config.scopes, config.defaultScopes) })
  },
}
