import { createHash } from 'node:crypto'
import { type Consent, type Family, sha256Hex } from '@grantline/core'
import type { ImportedAccessToken } from '@grantline/sql'

/**
 * A grant's id, derived from the hash of the token that founds it (the refresh token, or a lone
 * access token): the same on every run, so a second import finds it, and never the same for the
 * tokens of two DOT databases imported into one server.
 */
export function familyId(tokenHash: string): string {
  return `dot_${createHash('sha256').update(`family\n${tokenHash}`).digest('hex').slice(0, 32)}`
}

/** The id of the consent of `sub` to `clientId`: the same on every run, as a grant's. */
function consentId(clientId: string, sub: string): string {
  return `dot_${sha256Hex(`${clientId}\n${sub}`).slice(0, 32)}`
}

/** What founds a grant: its first token, with the client, user and scopes it was issued for. */
export interface Founder {
  hash: string
  clientId: string
  sub: string | null
  scopes: string[]
  created: number
  expires: number
}

/**
 * The grant (Family) founded by a token, in the consent of its user to its client (none for a
 * client acting for itself). `resources` is every grant's audience (RFC 8707): DOT had no resource
 * indicators, so its tokens were good at every resource server; here they are for the resources
 * the operator names.
 */
export function familyOf(founder: Founder, resources: readonly string[]): Family {
  return {
    id: familyId(founder.hash),
    consent_id: founder.sub === null ? null : consentId(founder.clientId, founder.sub),
    client_id: founder.clientId,
    sub: founder.sub,
    scopes: founder.scopes,
    auth_time: null,
    acr: null,
    amr: null,
    nonce: null,
    claims: null,
    resource: [...resources],
    created_at: founder.created,
    expires_at: founder.expires,
    revoked_at: null,
  }
}

/**
 * One Consent per user and client that imported grants belong to, widened to the scopes of every
 * grant and dated by the first: one per pair, so these stay in memory until the import's end.
 */
export function createConsents() {
  const consents = new Map<string, Consent>()
  return {
    /** Counts the grant `founder` founds in its user's consent to its client. */
    add(founder: Founder): void {
      if (founder.sub === null) return
      const pair = `${founder.clientId}\n${founder.sub}`
      const consent = consents.get(pair)
      if (!consent) {
        const id = consentId(founder.clientId, founder.sub)
        consents.set(pair, {
          id,
          sub: founder.sub,
          client_id: founder.clientId,
          scopes: [...founder.scopes],
          created_at: founder.created,
          revoked_at: null,
        })
        return
      }
      for (const scope of founder.scopes) if (!consent.scopes.includes(scope)) consent.scopes.push(scope)
      consent.created_at = Math.min(consent.created_at, founder.created)
    },
    list: (): Consent[] => [...consents.values()],
  }
}

/** An imported access token in its grant, for the grant's resources (RFC 9068 §3 `aud`; RFC 7662 `aud`). */
export function accessRecord(
  token: { hash: string; scopes: string[]; created: number | null; expires: number },
  family: Family,
  now: number,
): ImportedAccessToken {
  return {
    hash: token.hash,
    family_id: family.id,
    client_id: family.client_id,
    sub: family.sub,
    scopes: token.scopes,
    audience: family.resource,
    created_at: token.created ?? now,
    expires_at: token.expires,
    revoked_at: null,
  }
}
