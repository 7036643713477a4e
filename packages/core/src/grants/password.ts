import type { GrantHandler } from '../contracts/grant-handler.js'
import { required } from '../http/form.js'
import { OAuthError } from '../primitives/errors.js'
import { requestedResources, resolveResources } from '../protocol/resources.js'
import { resolveScopes } from '../protocol/scopes.js'
import { consentCovering } from '../tokens/consents.js'

/** RFC 6749 §4.3, off unless enabled for the server and the client (RFC 9700 §2.4). */
export const password: GrantHandler = {
  grantType: 'password',
  parameters: ['username', 'password', 'scope', 'resource'],
  async handle({ params, client, config, storage, accounts, clientAddress, emit, now, issue }) {
    const username = required(params, 'username')
    const secret = required(params, 'password')
    const scopes = resolveScopes(params.get('scope'), client, config.scopes, config.defaultScopes)
    const resource = resolveResources(config.resources, requestedResources(params.get('resource')), client.client_id)
    // A public client runs on the user's device, so its address is the user's; a confidential
    // one calls from its server, for all its users, and counting that address would let one
    // user's typos lock every other user of the client out.
    const address = client.token_endpoint_auth_method === 'none' ? clientAddress : undefined
    const user = await accounts.verifyPassword?.(username, secret, address ? { clientAddress: address } : {})
    if (!user) {
      emit({
        type: 'login.failed',
        via: 'password_grant',
        username: username.slice(0, 150),
        client_id: client.client_id,
        ...(clientAddress ? { address: clientAddress } : {}),
      })
      throw new OAuthError('invalid_grant', 'the username or password is wrong')
    }
    // The user handed this client their password: a grant they list and can revoke, like any other.
    const existing = await storage.findConsent(user.sub, client.client_id)
    const granted = { sub: user.sub, client_id: client.client_id, scopes }
    const consent = await consentCovering({ storage, emit, now }, granted, existing)
    return issue({ scopes, sub: user.sub, auth_time: now, resource, consent_id: consent.id }, { refresh: true })
  },
}
