import { FIXTURE_TIME, makeClient, makeConsent } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { issuePair, type MakeStorage, makePair, seedGrant } from './seed.js'

const T = FIXTURE_TIME

/** Consent rules: newest unrevoked wins, per-sub listing, revocation ends the families it covers. */
export function describeConsents(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('consents', () => {
    it('findConsent returns the newest unrevoked consent of sub for the client', async () => {
      const storage = await makeStorage()
      const client = makeClient()
      await storage.putClient(client)
      const older = makeConsent({ client_id: client.client_id, created_at: T, scopes: ['read'] })
      const newer = makeConsent({ client_id: client.client_id, created_at: T + 5 })
      await storage.putConsent(newer)
      await storage.putConsent(older)
      expect(await storage.findConsent('user-1', client.client_id)).toEqual(newer)
      expect(await storage.revokeConsent(newer.id, T + 6)).toBe(true)
      expect(await storage.findConsent('user-1', client.client_id)).toEqual(older)
      await storage.revokeConsent(older.id, T + 7)
      expect(await storage.findConsent('user-1', client.client_id)).toBeNull()
    })

    it('findConsent matches both sub and client_id', async () => {
      const storage = await makeStorage()
      const consent = makeConsent({ sub: 'alice' })
      await storage.putConsent(consent)
      expect(await storage.findConsent('alice', consent.client_id)).toEqual(consent)
      expect(await storage.findConsent('bob', consent.client_id)).toBeNull()
      expect(await storage.findConsent('alice', 'other-client')).toBeNull()
    })

    it("listConsents lists the sub's consents and no one else's", async () => {
      const storage = await makeStorage()
      const mine = [makeConsent({ sub: 'alice' }), makeConsent({ sub: 'alice', created_at: T + 1 })]
      const theirs = makeConsent({ sub: 'bob' })
      for (const c of [...mine, theirs]) await storage.putConsent(c)
      const listed = await storage.listConsents('alice')
      expect(listed.map((c) => c.id).sort()).toEqual(mine.map((c) => c.id).sort())
      expect(listed.find((c) => c.id === mine[0]?.id)).toEqual(mine[0])
      expect(await storage.listConsents('carol')).toEqual([])
    })

    it('revokeConsent answers false for an unknown consent', async () => {
      const storage = await makeStorage()
      expect(await storage.revokeConsent('no-such-consent', T)).toBe(false)
    })

    it('revoking a consent invalidates every token of the families it covers', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      const other = await seedGrant(storage)
      const otherPair = await issuePair(storage, other)
      expect(await storage.revokeConsent(grant.consent.id, T + 1)).toBe(true)
      expect(await storage.getFamily(grant.family.id, T + 2)).toBeNull()
      expect(await storage.findAccessToken(pair.access.hash, T + 2)).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 2)).toBeNull()
      expect(await storage.findAccessToken(otherPair.access.hash, T + 2)).not.toBeNull()
      const next = makePair(grant, T + 2)
      expect(await storage.rotateRefresh(pair.refresh.hash, next, T + 2, 0)).toEqual({
        status: 'absent',
      })
    })

    it('returned consents are copies: mutating one does not change storage', async () => {
      const storage = await makeStorage()
      const consent = makeConsent()
      const expected = structuredClone(consent)
      await storage.putConsent(consent)
      const found = await storage.findConsent(consent.sub, consent.client_id)
      found?.scopes.push('admin')
      const listed = await storage.listConsents(consent.sub)
      if (listed[0]) listed[0].revoked_at = T
      expect(await storage.findConsent(expected.sub, expected.client_id)).toEqual(expected)
    })
  })
}
