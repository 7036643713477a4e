import type { ClientAuthMethod } from '../contracts/client-auth-method.js'

/**
 * A public client identifies itself with `client_id` alone (RFC 6749 §2.1, §3.2.1). A request
 * carrying a secret, an Authorization header or an assertion (RFC 7521 §4.2) uses another method.
 */
export const none: ClientAuthMethod = {
  name: 'none',
  extract(request, params) {
    const clientId = params.get('client_id')
    if (clientId === undefined || params.has('client_secret') || params.has('client_assertion') || request.headers.has('authorization'))
      return null
    return { clientId }
  },
  verify: async (client) => client.client_type === 'public',
}
