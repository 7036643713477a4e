// memoryStorage().cleanup() finds what it removes through an expiry index instead of walking the
// tables: rows that arrive out of expiry order, a family renewed with a later expiry, rows revoked
// in place and the limit must still come out as a full walk would have it.
import { memoryStorage } from '@grantline/core'
import { FIXTURE_TIME, makeAccessToken, makeClient, makeFamily, makeRefreshToken } from '@grantline/testing'
import { describe, expect, it } from 'vitest'

const T = FIXTURE_TIME

async function seeded() {
  const storage = memoryStorage()
  const client = makeClient()
  await storage.putClient(client)
  const family = makeFamily({ client_id: client.client_id, created_at: T, expires_at: T + 1000 })
  return { storage, family }
}

describe('memoryStorage cleanup', () => {
  it('removes tokens issued out of expiry order exactly when each expires', async () => {
    const { storage, family } = await seeded()
    const token = (expires_at: number) => makeAccessToken({ family_id: family.id, client_id: family.client_id, created_at: T, expires_at })
    const late = token(T + 300)
    const early = token(T + 100)
    const middle = token(T + 200)
    await storage.issueTokens({ family, access: late })
    await storage.issueTokens({ access: early })
    await storage.issueTokens({ access: middle })
    expect(await storage.cleanup(T + 99)).toBe(0)
    expect(await storage.cleanup(T + 100)).toBe(1)
    expect(await storage.findAccessToken(middle.hash, T + 150)).not.toBeNull()
    expect(await storage.cleanup(T + 250)).toBe(1)
    expect(await storage.findAccessToken(late.hash, T + 250)).not.toBeNull()
    expect(await storage.cleanup(T + 300)).toBe(1)
    expect(await storage.cleanup(T + 999)).toBe(0)
    expect(await storage.cleanup(T + 1000)).toBe(1)
  })

  it('keeps a family written again with a later expiry until that expiry', async () => {
    const { storage, family } = await seeded()
    await storage.createFamily(family)
    await storage.createFamily({ ...family, expires_at: T + 5000 })
    expect(await storage.cleanup(T + 1000)).toBe(0)
    expect(await storage.getFamily(family.id, T + 1000)).not.toBeNull()
    expect(await storage.cleanup(T + 5000)).toBe(1)
  })

  it('removes rows revoked in place before they expire: an access token, a family, a refresh successor', async () => {
    const { storage, family } = await seeded()
    const access = makeAccessToken({ family_id: family.id, client_id: family.client_id, created_at: T, expires_at: T + 500 })
    await storage.issueTokens({ family, access })
    await storage.revokeAccessToken(access.hash, T + 1)
    expect(await storage.cleanup(T + 2)).toBe(1)
    const refresh = makeRefreshToken({ family_id: family.id, client_id: family.client_id, created_at: T, expires_at: T + 900 })
    await storage.issueTokens({ access: makeAccessToken({ family_id: family.id, client_id: family.client_id }), refresh })
    const next = {
      access: makeAccessToken({ family_id: family.id, client_id: family.client_id, created_at: T + 3, expires_at: T + 500 }),
      refresh: makeRefreshToken({ family_id: family.id, client_id: family.client_id, created_at: T + 3, expires_at: T + 900 }),
    }
    next.refresh.access_hash = next.access.hash
    expect((await storage.rotateRefresh(refresh.hash, next, T + 3, 60)).status).toBe('ok')
    // Within the grace window the old token again revokes its successor and that successor's access token.
    const again = {
      access: makeAccessToken({ family_id: family.id, client_id: family.client_id, created_at: T + 4, expires_at: T + 500 }),
      refresh: makeRefreshToken({ family_id: family.id, client_id: family.client_id, created_at: T + 4, expires_at: T + 900 }),
    }
    expect((await storage.rotateRefresh(refresh.hash, again, T + 4, 60)).status).toBe('ok')
    expect(await storage.cleanup(T + 5)).toBe(2)
    await storage.revokeFamily(family.id, T + 6)
    expect(await storage.cleanup(T + 7)).toBe(1)
    expect(await storage.cleanup(T + 7)).toBe(0)
  })

  it('removes at most limit rows per call and picks up where it stopped', async () => {
    const { storage, family } = await seeded()
    await storage.createFamily(family)
    for (let i = 0; i < 5; i++) {
      await storage.issueTokens({
        access: makeAccessToken({ family_id: family.id, client_id: family.client_id, created_at: T, expires_at: T + 10 }),
      })
    }
    expect(await storage.cleanup(T + 10, 2)).toBe(2)
    expect(await storage.cleanup(T + 10, 2)).toBe(2)
    expect(await storage.cleanup(T + 10, 2)).toBe(1)
    expect(await storage.cleanup(T + 10, 2)).toBe(0)
  })
})
