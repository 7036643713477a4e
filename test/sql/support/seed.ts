import type { Storage } from '@grantline/core'
import { FIXTURE_TIME, makeAccessToken, makeClient, makeCode, makeConsent, makeFamily, makeRefreshToken } from '@grantline/testing'

/** A client, a consent for it and a live family under that consent, stored. */
export async function seedGrant(storage: Storage) {
  const client = makeClient()
  const consent = makeConsent({ client_id: client.client_id })
  const family = makeFamily({ client_id: client.client_id, consent_id: consent.id, sub: consent.sub })
  await storage.putClient(client)
  await storage.putConsent(consent)
  await storage.createFamily(family)
  return { client, consent, family }
}

type Grant = Awaited<ReturnType<typeof seedGrant>>

/** An access and a refresh token of `grant` issued at `now` (not stored). */
export function makePair(grant: Grant, now = FIXTURE_TIME) {
  const bound = { family_id: grant.family.id, client_id: grant.client.client_id, sub: grant.family.sub }
  const access = makeAccessToken({ ...bound, created_at: now, expires_at: now + 3600 })
  const refresh = makeRefreshToken({ ...bound, access_hash: access.hash, created_at: now, expires_at: now + 14 * 86_400 })
  return { access, refresh }
}

/** A stored code of `grant`, in a family of its own, expiring in 60 s. */
export async function seedCode(storage: Storage, grant: Grant) {
  const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
  const code = makeCode({ family_id: family.id, client_id: grant.client.client_id })
  await storage.createCode(code, family)
  return code
}
