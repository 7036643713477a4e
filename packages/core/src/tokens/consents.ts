import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { AuditEventInput } from '../contracts/events.js'
import type { Consent, Storage } from '../contracts/storage.js'
import { emit } from '../events/emit.js'
import { randomId } from '../primitives/crypto.js'

/** What recording a consent needs: the storage, the audit hook and the time (epoch seconds). */
export interface ConsentServices {
  storage: Storage
  emit(event: AuditEventInput): void
  now: number
}

/** The provider's services for recording a consent at an endpoint. */
export function consentServices(provider: ProviderContext, call: RequestContext): ConsentServices {
  return { storage: provider.config.storage, emit: (event) => emit(provider, call, event), now: provider.config.seconds() }
}

/**
 * Records an approval as the user's Consent for the client: the scopes merged into the current
 * consent, or a new one. Every grant hangs from a consent, whether the user saw the page, the
 * operator let the client skip it, or the user gave the client their password, so that the user
 * can list it on the authorized-tokens page and revoke it (RFC 6749 §10.2, RFC 7009): a family
 * without one could be ended only by the client.
 */
export async function recordConsent(
  services: ConsentServices,
  grant: { sub: string; client_id: string; scopes: string[] },
  existing: Consent | null,
): Promise<Consent> {
  const consent: Consent = existing
    ? { ...existing, scopes: [...new Set([...existing.scopes, ...grant.scopes])] }
    : { id: randomId(), sub: grant.sub, client_id: grant.client_id, scopes: grant.scopes, created_at: services.now, revoked_at: null }
  await services.storage.putConsent(consent)
  services.emit({ type: 'consent.granted', client_id: consent.client_id, sub: grant.sub, scopes: grant.scopes, consent_id: consent.id })
  return consent
}

/** Whether the consent already grants every scope the request asks for. */
export function covers(consent: Consent | null, scopes: readonly string[]): consent is Consent {
  return consent !== null && scopes.every((scope) => consent.scopes.includes(scope))
}

/**
 * The consent a grant made without asking the user hangs from: `existing` when it covers the
 * scopes already (nothing written, no event), otherwise the recorded one.
 */
export async function consentCovering(
  services: ConsentServices,
  grant: { sub: string; client_id: string; scopes: string[] },
  existing: Consent | null,
): Promise<Consent> {
  return covers(existing, grant.scopes) ? existing : recordConsent(services, grant, existing)
}
