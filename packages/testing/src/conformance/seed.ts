import type { AccessTokenRecord, Client, Consent, Family, RefreshTokenRecord, Storage } from '@grantline/core'
import { FIXTURE_TIME, makeAccessToken, makeClient, makeConsent, makeFamily, makeRefreshToken } from '../fixtures.js'

/** How a conformance run obtains a fresh, empty Storage for each test. */
export type MakeStorage = () => Storage | Promise<Storage>

/** A live grant: a registered client, an unrevoked consent and a family under that consent. */
export interface Grant {
  client: Client
  consent: Consent
  family: Family
}

export interface TokenPair {
  access: AccessTokenRecord
  refresh: RefreshTokenRecord
}

/** Stores a client, a consent of `sub` for it, and a family covered by that consent. */
export async function seedGrant(
  storage: Storage,
  overrides: { client?: Partial<Client>; consent?: Partial<Consent>; family?: Partial<Family> } = {},
): Promise<Grant> {
  const client = makeClient(overrides.client)
  const consent = makeConsent({ ...overrides.consent, client_id: client.client_id })
  const family = makeFamily({
    client_id: client.client_id,
    consent_id: consent.id,
    sub: consent.sub,
    ...overrides.family,
  })
  await storage.putClient(client)
  await storage.putConsent(consent)
  await storage.createFamily(family)
  return { client, consent, family }
}

/** An access and refresh token of `grant`, issued at `now`, the refresh pointing at the access. */
export function makePair(
  grant: Grant,
  now = FIXTURE_TIME,
  overrides: { access?: Partial<AccessTokenRecord>; refresh?: Partial<RefreshTokenRecord> } = {},
): TokenPair {
  const bound = {
    family_id: grant.family.id,
    client_id: grant.client.client_id,
    sub: grant.family.sub,
  }
  const access = makeAccessToken({
    ...bound,
    created_at: now,
    expires_at: now + 3600,
    ...overrides.access,
  })
  const refresh = makeRefreshToken({
    ...bound,
    access_hash: access.hash,
    created_at: now,
    expires_at: now + 14 * 86_400,
    ...overrides.refresh,
  })
  return { access, refresh }
}

/** Issues a fresh pair of `grant` into storage and returns it. */
export async function issuePair(
  storage: Storage,
  grant: Grant,
  now = FIXTURE_TIME,
  overrides: { access?: Partial<AccessTokenRecord>; refresh?: Partial<RefreshTokenRecord> } = {},
): Promise<TokenPair> {
  const pair = makePair(grant, now, overrides)
  await storage.issueTokens(pair)
  return pair
}
