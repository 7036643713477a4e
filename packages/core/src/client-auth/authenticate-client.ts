import type { ProviderContext } from '../context.js'
import { OAuthError } from '../errors.js'
import type { Params } from '../http/form.js'
import type { Client } from '../storage.js'
import { BASIC_CHALLENGE } from './client-secret-basic.js'

/**
 * Authenticates the caller of the token, revocation or introspection endpoint (RFC 6749 §2.3):
 * exactly one method, the one the client registered, with matching credentials.
 */
export async function authenticateClient(provider: ProviderContext, request: Request, params: Params): Promise<Client> {
  const used = provider.clientAuth.flatMap((method) => {
    const credentials = method.extract(request, params)
    return credentials ? [{ method, credentials }] : []
  })
  // RFC 6749 §5.2: 401 with a Basic challenge when Basic was used; otherwise 400, since a 401
  // must carry a challenge (RFC 9110 §15.5.2) and one would mislead a client_secret_post client.
  const basic = used.some(({ method }) => method.name === 'client_secret_basic')
  const invalid = (description: string) =>
    new OAuthError('invalid_client', description, basic ? { headers: BASIC_CHALLENGE } : { status: 400 })
  if (used.length > 1) throw new OAuthError('invalid_request', 'use exactly one client authentication method (RFC 6749 §2.3)')
  const [attempt] = used
  if (!attempt) throw invalid('client authentication is required')
  const bodyClientId = params.get('client_id')
  if (bodyClientId !== undefined && bodyClientId !== attempt.credentials.clientId) {
    throw invalid('client_id does not match the authenticated client')
  }
  const client = attempt.credentials.clientId ? await provider.config.storage.getClient(attempt.credentials.clientId) : null
  if (!client || client.token_endpoint_auth_method !== attempt.method.name || !attempt.method.verify(client, attempt.credentials)) {
    throw invalid('client authentication failed')
  }
  return client
}
