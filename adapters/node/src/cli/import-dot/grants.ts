import { createHash } from 'node:crypto'
import { type Consent, type Family, sha256Hex } from '@grantline/core'
import type { ImportedAccessToken } from '@grantline/sql'

/**
 * A grant's id, derived from the hash of the token that founds it (the refresh token, or a lone
 * access token): the same on every run, so a second import finds it, and never the same for the
 * tokens of two DOT databases imported into one server.
 */
function familyId(tokenHash: string): string {
  return `dot_${createHash('sha256').update(`family\n${tokenHash}`).digest('hex').slice(0, 32)}`
}

/**
 * The grants (Families) of imported tokens, and one Consent per user and client they belong to.
 * `resources` is every grant's audience (RFC 8707): DOT had no resource indicators, so its tokens
 * were good at every resource server; here they are for the resources the operator names.
 */
export function createGrantBuilder(resources: readonly string[] = []) {
  const consents = new Map<string, Consent>()
  const families: Family[] = []

  /** The consent of `sub` to `clientId`, widened to `scopes`; none for a client acting for itself. */
  const consentFor = (clientId: string, sub: string | null, scopes: string[], created: number): string | null => {
    if (sub === null) return null
    const pair = `${clientId}\n${sub}`
    const consent = consents.get(pair)
    if (!consent) {
      const id = `dot_${sha256Hex(pair).slice(0, 32)}`
      consents.set(pair, { id, sub, client_id: clientId, scopes: [...scopes], created_at: created, revoked_at: null })
      return id
    }
    for (const scope of scopes) if (!consent.scopes.includes(scope)) consent.scopes.push(scope)
    consent.created_at = Math.min(consent.created_at, created)
    return consent.id
  }

  return {
    families,
    consents: () => [...consents.values()],
    /** A new grant founded by the token whose hash is `tokenHash`. */
    family(tokenHash: string, clientId: string, sub: string | null, scopes: string[], created: number, expires: number): Family {
      const record: Family = {
        id: familyId(tokenHash),
        consent_id: consentFor(clientId, sub, scopes, created),
        client_id: clientId,
        sub,
        scopes,
        auth_time: null,
        acr: null,
        amr: null,
        nonce: null,
        claims: null,
        resource: [...resources],
        created_at: created,
        expires_at: expires,
        revoked_at: null,
      }
      families.push(record)
      return record
    },
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
