import type { Storage } from '@grantline/core'
import { FIXTURE_TIME, makeAccessToken, makeCode, makeFamily, makeInteraction } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { type Grant, issuePair, type MakeStorage, makePair, seedGrant } from './seed.js'

const T = FIXTURE_TIME
const NOW = T + 100

async function storeCode(storage: Storage, grant: Grant, expiresAt: number) {
  const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
  const code = makeCode({
    family_id: family.id,
    client_id: grant.client.client_id,
    expires_at: expiresAt,
  })
  await storage.createCode(code, family)
  return code
}

/** Stores live rows next to expired and revoked ones; returns handles and the dead-row count. */
async function seedMixed(storage: Storage) {
  const live = await seedGrant(storage)
  const pair = await issuePair(storage, live)
  const used = await issuePair(storage, live)
  const successor = makePair(live, T + 10)
  await storage.rotateRefresh(used.refresh.hash, successor, T + 10, 0)
  const tombstone = await storeCode(storage, live, T + 1000)
  await storage.consume('code', tombstone.hash, T + 5)
  const pending = makeInteraction({ client_id: live.client.client_id, expires_at: T + 600 })
  await storage.createInteraction(pending)

  const expiredAccess = makeAccessToken({ family_id: live.family.id, expires_at: T + 50 })
  await storage.issueTokens({ access: expiredAccess })
  const revokedAccess = await issuePair(storage, live)
  await storage.revokeAccessToken(revokedAccess.access.hash, T + 20)
  const expiredCode = await storeCode(storage, live, T + 60)
  const expiredInteraction = makeInteraction({
    client_id: live.client.client_id,
    expires_at: T + 60,
  })
  await storage.createInteraction(expiredInteraction)
  const revokedFamily = await seedGrant(storage)
  const revokedPair = await issuePair(storage, revokedFamily)
  await storage.revokeFamily(revokedFamily.family.id, T + 20)
  const revokedConsent = await seedGrant(storage)
  await storage.revokeConsent(revokedConsent.consent.id, T + 20)

  // expired access, revoked access, expired code, expired interaction, revoked family, consent
  const deadRows = 6
  return { live, pair, used, successor, tombstone, pending, expiredCode, revokedPair, deadRows }
}

/** cleanup(): DOT's cleartokens, in batches, never touching a live row. */
export function describeCleanup(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('cleanup', () => {
    it('cleanup removes expired and revoked rows and keeps live ones (DOT cleartokens)', async () => {
      const storage = await makeStorage()
      const s = await seedMixed(storage)
      expect(await storage.cleanup(NOW)).toBeGreaterThanOrEqual(s.deadRows)
      expect(await storage.cleanup(NOW)).toBe(0)

      expect((await storage.findAccessToken(s.pair.access.hash, NOW))?.token).toEqual(s.pair.access)
      expect((await storage.findRefreshToken(s.pair.refresh.hash, NOW))?.token).toEqual(s.pair.refresh)
      expect(await storage.findRefreshToken(s.successor.refresh.hash, NOW)).not.toBeNull()
      expect(await storage.getFamily(s.live.family.id, NOW)).toEqual(s.live.family)
      expect(await storage.findConsent(s.live.consent.sub, s.live.client.client_id)).toEqual(s.live.consent)
      expect(await storage.getClient(s.live.client.client_id)).toEqual(s.live.client)
      expect(await storage.getInteraction(s.pending.id, NOW)).toEqual(s.pending)
      expect(await storage.consume('code', s.expiredCode.hash, NOW)).toEqual({ status: 'absent' })
      expect(await storage.findAccessToken(s.revokedPair.access.hash, NOW)).toBeNull()
    })

    it('cleanup keeps tombstones and used refresh tokens, so replays are still recognised', async () => {
      const storage = await makeStorage()
      const s = await seedMixed(storage)
      await storage.cleanup(NOW)
      expect((await storage.consume('code', s.tombstone.hash, NOW)).status).toBe('reused')
      expect(await storage.rotateRefresh(s.used.refresh.hash, makePair(s.live), NOW, 0)).toEqual({
        status: 'reused',
        family_id: s.live.family.id,
      })
    })

    it('cleanup removes at most `limit` rows per call and reports how many went', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      for (let i = 0; i < 5; i++) {
        await storage.issueTokens({
          access: makeAccessToken({ family_id: grant.family.id, expires_at: T + 50 }),
        })
      }
      let total = 0
      for (let call = 0; call < 10; call++) {
        const removed = await storage.cleanup(NOW, 2)
        expect(removed).toBeLessThanOrEqual(2)
        if (removed === 0) break
        total += removed
      }
      expect(total).toBe(5)
      expect(await storage.getFamily(grant.family.id, NOW)).toEqual(grant.family)
    })
  })
}
