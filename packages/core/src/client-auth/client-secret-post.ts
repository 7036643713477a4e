import type { ClientAuthMethod } from '../contracts/client-auth-method.js'
import { verifySecret } from './verify-secret.js'

/** RFC 6749 §2.3.1: `client_id` and `client_secret` in the form body. */
export const clientSecretPost: ClientAuthMethod = {
  name: 'client_secret_post',
  extract(_request, params) {
    const secret = params.get('client_secret')
    if (secret === undefined) return null
    return { clientId: params.get('client_id') ?? '', secret }
  },
  verify: verifySecret,
}
