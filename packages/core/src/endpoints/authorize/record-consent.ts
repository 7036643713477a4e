import type { ProviderContext } from '../../context.js'
import { randomId } from '../../crypto.js'
import { emit } from '../../events.js'
import type { Consent } from '../../storage.js'
import type { AuthorizationRequest } from './authorization-request.js'

/**
 * Records an approval as the user's Consent for the client: the request's scopes merged into the
 * current consent, or a new one. Every grant hangs from a consent, whether the user saw the page
 * or the operator let the client skip it, so that the user can list it on the authorized-tokens
 * page and revoke it: a family without one could be ended only by the client.
 */
export async function recordConsent(
  provider: ProviderContext,
  sub: string,
  authz: AuthorizationRequest,
  existing: Consent | null,
): Promise<Consent> {
  const { config } = provider
  const consent: Consent = existing
    ? { ...existing, scopes: [...new Set([...existing.scopes, ...authz.scopes])] }
    : { id: randomId(), sub, client_id: authz.client.client_id, scopes: authz.scopes, created_at: config.seconds(), revoked_at: null }
  await config.storage.putConsent(consent)
  emit(provider, { type: 'consent.granted', client_id: consent.client_id, sub, scopes: authz.scopes, consent_id: consent.id })
  return consent
}

/** Whether the consent already grants every scope the request asks for. */
export function covers(consent: Consent | null, scopes: readonly string[]): consent is Consent {
  return consent !== null && scopes.every((scope) => consent.scopes.includes(scope))
}
