import { FIXTURE_TIME } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { issuePair, type MakeStorage, makePair, seedGrant } from './seed.js'

const T = FIXTURE_TIME
const GRACE = 30

/** Refresh-token rotation with reuse detection and a grace window that moves the chain. */
export function describeRotation(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('rotateRefresh', () => {
    it('rotation marks the old token used with its successor and stores the new pair (RFC 6749 §6)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const old = await issuePair(storage, grant)
      const next = makePair(grant, T + 10)
      expect(await storage.rotateRefresh(old.refresh.hash, next, T + 10, GRACE)).toEqual({
        status: 'ok',
      })
      const found = await storage.findRefreshToken(old.refresh.hash, T + 11)
      expect(found?.token).toEqual({
        ...old.refresh,
        used_at: T + 10,
        successor_hash: next.refresh.hash,
      })
      expect((await storage.findRefreshToken(next.refresh.hash, T + 11))?.token).toEqual(next.refresh)
      expect((await storage.findAccessToken(next.access.hash, T + 11))?.token).toEqual(next.access)
    })

    it('reuse outside the grace window answers reused with the family (RFC 9700 §4.14.2)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const old = await issuePair(storage, grant)
      await storage.rotateRefresh(old.refresh.hash, makePair(grant, T + 10), T + 10, 0)
      const reused = { status: 'reused', family_id: grant.family.id }
      expect(await storage.rotateRefresh(old.refresh.hash, makePair(grant), T + 10, 0)).toEqual(reused)
      const other = await issuePair(storage, grant)
      await storage.rotateRefresh(other.refresh.hash, makePair(grant, T + 10), T + 10, GRACE)
      expect(await storage.rotateRefresh(other.refresh.hash, makePair(grant), T + 10 + GRACE, GRACE)).toEqual(reused)
    })

    it('a refused rotation stores nothing', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const old = await issuePair(storage, grant)
      await storage.rotateRefresh(old.refresh.hash, makePair(grant, T + 10), T + 10, 0)
      const refused = [makePair(grant, T + 11), makePair(grant, T + 11)] as const
      expect((await storage.rotateRefresh(old.refresh.hash, refused[0], T + 11, 0)).status).toBe('reused')
      expect((await storage.rotateRefresh('0'.repeat(64), refused[1], T + 11, 0)).status).toBe('absent')
      for (const pair of refused) {
        expect(await storage.findAccessToken(pair.access.hash, T + 12)).toBeNull()
        expect(await storage.findRefreshToken(pair.refresh.hash, T + 12)).toBeNull()
      }
    })

    it('within the grace window an unused successor is revoked and replaced: the chain moves', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const old = await issuePair(storage, grant)
      const first = makePair(grant, T + 10)
      await storage.rotateRefresh(old.refresh.hash, first, T + 10, GRACE)
      const second = makePair(grant, T + 15)
      expect(await storage.rotateRefresh(old.refresh.hash, second, T + 15, GRACE)).toEqual({
        status: 'ok',
      })
      expect(await storage.findRefreshToken(first.refresh.hash, T + 16)).toBeNull()
      expect(await storage.findAccessToken(first.access.hash, T + 16)).toBeNull()
      expect((await storage.findRefreshToken(second.refresh.hash, T + 16))?.token).toEqual(second.refresh)
      expect((await storage.findAccessToken(second.access.hash, T + 16))?.token).toEqual(second.access)
      const moved = await storage.findRefreshToken(old.refresh.hash, T + 16)
      expect(moved?.token.successor_hash).toBe(second.refresh.hash)
      expect(await storage.getFamily(grant.family.id, T + 16)).not.toBeNull()
    })

    it('the chain never forks: once the successor was rotated, the old token answers reused', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const old = await issuePair(storage, grant)
      const first = makePair(grant, T + 10)
      const second = makePair(grant, T + 12)
      const third = makePair(grant, T + 14)
      await storage.rotateRefresh(old.refresh.hash, first, T + 10, GRACE)
      await storage.rotateRefresh(old.refresh.hash, second, T + 12, GRACE)
      expect(await storage.rotateRefresh(second.refresh.hash, third, T + 14, GRACE)).toEqual({
        status: 'ok',
      })
      expect(await storage.rotateRefresh(old.refresh.hash, makePair(grant), T + 16, GRACE)).toEqual({
        status: 'reused',
        family_id: grant.family.id,
      })
      expect(await storage.rotateRefresh(first.refresh.hash, makePair(grant), T + 16, GRACE)).toEqual({ status: 'absent' })
      expect((await storage.findRefreshToken(third.refresh.hash, T + 16))?.token).toEqual(third.refresh)
    })

    it('a successor already used ends the grace window: the old token answers reused', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const old = await issuePair(storage, grant)
      const first = makePair(grant, T + 10)
      await storage.rotateRefresh(old.refresh.hash, first, T + 10, GRACE)
      await storage.rotateRefresh(first.refresh.hash, makePair(grant, T + 11), T + 11, GRACE)
      expect(await storage.rotateRefresh(old.refresh.hash, makePair(grant), T + 12, GRACE)).toEqual({
        status: 'reused',
        family_id: grant.family.id,
      })
    })

    it('an unknown, expired or revoked refresh token answers absent', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const next = () => makePair(grant, T + 20)
      expect(await storage.rotateRefresh('0'.repeat(64), next(), T + 20, GRACE)).toEqual({
        status: 'absent',
      })
      const expiring = await issuePair(storage, grant, T, { refresh: { expires_at: T + 20 } })
      expect(await storage.rotateRefresh(expiring.refresh.hash, next(), T + 20, GRACE)).toEqual({
        status: 'absent',
      })
      const revoked = await seedGrant(storage)
      const pair = await issuePair(storage, revoked)
      await storage.revokeFamily(revoked.family.id, T + 5)
      expect(await storage.rotateRefresh(pair.refresh.hash, next(), T + 20, GRACE)).toEqual({
        status: 'absent',
      })
      const capped = await seedGrant(storage, { family: { expires_at: T + 20 } })
      const cappedPair = await issuePair(storage, capped)
      expect(await storage.rotateRefresh(cappedPair.refresh.hash, next(), T + 20, GRACE)).toEqual({
        status: 'absent',
      })
    })
  })
}
