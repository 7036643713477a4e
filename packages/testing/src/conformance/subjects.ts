import type { Storage } from '@grantline/core'
import { FIXTURE_TIME, makeCode, makeFamily } from '../fixtures.js'
import type { Matchers, TestApi } from '../test-api.js'
import { type Grant, issuePair, type MakeStorage, makePair, seedGrant, type TokenPair } from './seed.js'

const T = FIXTURE_TIME

/** A grant of `sub` (its own client and consent) with a live token pair. */
async function userGrant(storage: Storage, sub: string): Promise<Grant & { pair: TokenPair }> {
  const grant = await seedGrant(storage, { consent: { sub } })
  return { ...grant, pair: await issuePair(storage, grant) }
}

/** Every read of the grant finds nothing: tokens, family, consent; its refresh token no longer rotates. */
async function expectEnded(storage: Storage, expect: (actual: unknown) => Matchers, grant: Grant & { pair: TokenPair }, now: number) {
  expect(await storage.findAccessToken(grant.pair.access.hash, now)).toBeNull()
  expect(await storage.findAccessToken(grant.pair.access.hash, now, { consistent: true })).toBeNull()
  expect(await storage.findRefreshToken(grant.pair.refresh.hash, now)).toBeNull()
  expect(await storage.getFamily(grant.family.id, now)).toBeNull()
  expect(await storage.findConsent(grant.consent.sub, grant.client.client_id)).toBeNull()
  expect(await storage.rotateRefresh(grant.pair.refresh.hash, makePair(grant, now), now, 60)).toEqual({ status: 'absent' })
}

/** Every read of the grant finds it as it was issued. */
async function expectLive(storage: Storage, expect: (actual: unknown) => Matchers, grant: Grant & { pair: TokenPair }, now: number) {
  expect(await storage.findAccessToken(grant.pair.access.hash, now)).toEqual({ token: grant.pair.access, family: grant.family })
  expect(await storage.findRefreshToken(grant.pair.refresh.hash, now)).toEqual({ token: grant.pair.refresh, family: grant.family })
  expect(await storage.getFamily(grant.family.id, now)).toEqual(grant.family)
  expect(await storage.findConsent(grant.consent.sub, grant.client.client_id)).toEqual(grant.consent)
}

/** revokeSubject: a deleted user's grants end with the account, and no one else's do. */
export function describeSubjects(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('revoking a user (revokeSubject)', () => {
    it("RFC 9700 §4.14 / RFC 7009 §2.1: every consent, family and token of the user ends; another user's stay", async () => {
      const storage = await makeStorage()
      const first = await userGrant(storage, 'alice')
      const mine = [first, await userGrant(storage, 'alice')]
      const theirs = await userGrant(storage, 'bob')
      // A code not yet redeemed: its family (and so whatever it would issue) ends too.
      const pending = makeFamily({ client_id: first.client.client_id, consent_id: first.consent.id, sub: 'alice' })
      await storage.createCode(makeCode({ family_id: pending.id, client_id: pending.client_id }), pending)
      // A client's own grant (client_credentials) has no user and is nobody's to revoke.
      const machine = await seedGrant(storage, { family: { consent_id: null, sub: null } })
      const machinePair = await issuePair(storage, machine, T, { access: { sub: null }, refresh: { sub: null } })

      await storage.revokeSubject('alice', T + 1)

      for (const grant of mine) await expectEnded(storage, expect, grant, T + 2)
      expect(await storage.getFamily(pending.id, T + 2)).toBeNull()
      expect(await storage.listConsents('alice')).toEqual([])
      await expectLive(storage, expect, theirs, T + 2)
      expect(await storage.listConsents('bob')).toEqual([theirs.consent])
      expect((await storage.findAccessToken(machinePair.access.hash, T + 2))?.token).toEqual(machinePair.access)
      expect(await storage.rotateRefresh(theirs.pair.refresh.hash, makePair(theirs, T + 2), T + 2, 0)).toEqual({ status: 'ok' })
    })

    it("a family of the user without a consent (the password grant's kind) ends too", async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage, { consent: { sub: 'alice' }, family: { consent_id: null, sub: 'alice' } })
      const pair = await issuePair(storage, grant)
      await storage.revokeSubject('alice', T + 1)
      expect(await storage.getFamily(grant.family.id, T + 2)).toBeNull()
      expect(await storage.findAccessToken(pair.access.hash, T + 2)).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 2)).toBeNull()
    })

    it('is idempotent, harmless for an unknown user, and grants made afterwards live', async () => {
      const storage = await makeStorage()
      const before = await userGrant(storage, 'alice')
      await storage.revokeSubject('alice', T + 1)
      await storage.revokeSubject('alice', T + 2)
      await storage.revokeSubject('nobody', T + 2)
      await expectEnded(storage, expect, before, T + 3)
      const after = await userGrant(storage, 'alice')
      await expectLive(storage, expect, after, T + 3)
      expect(await storage.listConsents('alice')).toEqual([after.consent])
    })
  })
}
