import { upgradeDjangoSecret } from '../clients/django-secret.js'
import { loadClient } from '../clients/load-client.js'
import type { ClientAuthContext, ClientAuthMethod, ClientCredentials } from '../contracts/client-auth-method.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { Params } from '../contracts/params.js'

import type { Client } from '../contracts/storage.js'
import { emit } from '../events/emit.js'
import { OAuthError } from '../primitives/errors.js'
import { acceptsMethod } from '../protocol/client-auth-methods.js'
import { rateLimitKey } from '../rate-limit/rate-limiter.js'
import { BASIC_CHALLENGE } from './client-secret-basic.js'

/**
 * Authenticates the caller of the token, revocation or introspection endpoint (RFC 6749 §2.3):
 * exactly one method, the one the client registered (or, for a secret, the other way of sending it
 * its `secret_methods` setting lists), with matching credentials. Failures are
 * reported as `client_authentication.failed` and counted per client_id and address (per client_id
 * alone when no address is known); past the rate limit the credentials are not even checked
 * (RFC 6585 §4: 429 with Retry-After). With `challenge`, every invalid_client is a 401 with a
 * Basic challenge, as introspection (RFC 7662 §2.3) and revocation (RFC 7009 §2.1) answer.
 * `endpoint` is the endpoint's configured URL, an assertion's audience (RFC 7523 §3).
 */
export async function authenticateClient(
  provider: ProviderContext,
  call: RequestContext,
  params: Params,
  options: { endpoint: string; challenge?: boolean },
): Promise<Client> {
  const { request, clientAddress: address } = call
  let method: ClientAuthMethod | undefined
  let credentials: ClientCredentials | undefined
  let basic = false
  // A challenge names a scheme the server offers, or it would mislead the caller.
  const challenge = options.challenge === true && provider.clientAuth.some((candidate) => candidate.name === 'client_secret_basic')
  try {
    for (const candidate of provider.clientAuth) {
      const found = candidate.extract(request, params)
      if (!found) continue
      // RFC 6749 §2.3: exactly one method per request.
      if (credentials) throw new OAuthError('invalid_request', 'use exactly one client authentication method (RFC 6749 §2.3)')
      method = candidate
      credentials = found
      basic = candidate.name === 'client_secret_basic'
    }
  } catch (error) {
    // A malformed Basic header: presented credentials that failed, naming no usable client_id.
    if (!(error instanceof OAuthError) || error.error !== 'invalid_client') throw error
    failed(provider, call, 'invalid_credentials', undefined, address)
    // A method's refusal without a challenge (a malformed client_assertion) is answered as any failure here.
    throw 'www-authenticate' in error.headers ? error : invalidClient(error.message, challenge)
  }
  if (!method || !credentials) throw invalidClient('client authentication is required', challenge)
  const { clientId } = credentials
  const key = rateLimitKey(clientId, address)
  const limiter = provider.rateLimiter
  // At most maxFailures attempts per key between the check and the count of their failure.
  const settle = await provider.clientAuthAttempts?.enter(key)
  try {
    const now = provider.config.seconds()
    if (limiter) {
      const verdict = await limiter.check(key, now)
      if (!verdict.allowed) {
        failed(provider, call, 'rate_limited', clientId, address)
        const retryAfter = String(Math.max(1, Math.ceil(verdict.retryAfter)))
        throw new OAuthError('temporarily_unavailable', 'too many failed client authentications; retry later', {
          status: 429,
          headers: { 'retry-after': retryAfter },
        })
      }
    }
    const bodyClientId = params.get('client_id')
    const mismatch = bodyClientId !== undefined && bodyClientId !== clientId
    // A refused Client ID Metadata Document counts as an unknown client: a failure like any other.
    const found = mismatch || !clientId ? null : await loadClient(provider, call, clientId).catch(unknownOnRefusal)
    // A secret still in the Django hash an import kept is checked once by PBKDF2, then stored as SHA-256.
    const client = found && acceptsMethod(found, method.name) ? await upgradeDjangoSecret(provider, found, credentials.secret) : found
    const { storage } = provider.config
    const context: ClientAuthContext = {
      request,
      params,
      endpoint: options.endpoint,
      tokenEndpoint: provider.endpoints.token_endpoint,
      issuer: provider.config.issuer,
      now,
      keys: provider.clientKeys,
      ...(storage.remember ? { remember: storage.remember.bind(storage) } : {}),
    }
    if (!client || !acceptsMethod(client, method.name) || !(await verify(method, client, credentials, context))) {
      if (limiter) await limiter.fail(key, now)
      failed(provider, call, 'invalid_credentials', clientId, address)
      throw invalidClient(
        mismatch ? 'client_id does not match the authenticated client' : 'client authentication failed',
        basic || challenge,
      )
    }
    call.client = client
    return client
  } finally {
    settle?.()
  }
}

/**
 * RFC 6749 §5.2: 401 with a Basic challenge when Basic was used or the endpoint asks for one;
 * otherwise 400, since a 401 must carry a challenge (RFC 9110 §15.5.2) and the token endpoint's
 * would mislead a client_secret_post client.
 */
function invalidClient(description: string, challenge: boolean): OAuthError {
  return new OAuthError('invalid_client', description, challenge ? { headers: BASIC_CHALLENGE } : { status: 400 })
}

/** A client_id that is really a bearer secret (a client sent the wrong value) is left out of the event. */
const SECRET_PREFIX = /^gl_(?:cs|at|rt|ac|ra|ia)_/

function failed(
  provider: ProviderContext,
  call: RequestContext,
  reason: 'invalid_credentials' | 'rate_limited',
  clientId: string | undefined,
  address: string | undefined,
): void {
  emit(provider, call, {
    type: 'client_authentication.failed',
    reason,
    ...(clientId && !SECRET_PREFIX.test(clientId) ? { client_id: clientId.slice(0, 255) } : {}),
    ...(address ? { address } : {}),
  })
}

/** A method that throws invalid_client has refused the credentials: counted and answered like any failure. */
async function verify(
  method: ClientAuthMethod,
  client: Client,
  credentials: ClientCredentials,
  context: ClientAuthContext,
): Promise<boolean> {
  try {
    return (await method.verify(client, credentials, context)) === true
  } catch (error) {
    if (error instanceof OAuthError && error.error === 'invalid_client') return false
    throw error
  }
}

function unknownOnRefusal(error: unknown): null {
  if (error instanceof OAuthError) return null
  throw error
}
