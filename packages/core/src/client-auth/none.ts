import type { ClientAuthMethod } from './client-auth-method.js'

/** A public client identifies itself with `client_id` alone (RFC 6749 §2.1, §3.2.1). */
export const none: ClientAuthMethod = {
  name: 'none',
  extract(request, params) {
    const clientId = params.get('client_id')
    if (clientId === undefined || params.has('client_secret') || request.headers.has('authorization')) return null
    return { clientId }
  },
  verify: (client) => client.client_type === 'public',
}
