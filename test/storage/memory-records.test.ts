// memoryStorage() keeps families and tokens compactly (keys of bytes, shared arrays, no fields
// twice): what it returns must still be the records it was given, each a copy of its own.
import { memoryStorage } from '@grantline/core'
import { FIXTURE_TIME, makeAccessToken, makeClient, makeFamily, makeRefreshToken } from '@grantline/testing'
import { describe, expect, it } from 'vitest'

const now = FIXTURE_TIME + 1

async function seeded(familyOverrides = {}) {
  const storage = memoryStorage()
  const client = makeClient()
  await storage.putClient(client)
  const family = makeFamily({ client_id: client.client_id, ...familyOverrides })
  return { storage, client, family }
}

describe('memoryStorage records', () => {
  it('gives back a family of a user with every field it was given', async () => {
    const { storage, family } = await seeded({ acr: 'urn:acr:1', amr: ['pwd', 'otp'], nonce: 'n-1', claims: '{"userinfo":{}}' })
    const access = makeAccessToken({ family_id: family.id, client_id: family.client_id, audience: ['https://api.example'] })
    await storage.issueTokens({ family, access })
    expect(await storage.findAccessToken(access.hash, now)).toEqual({ token: access, family })
  })

  it('gives back a client_credentials family (no user fields) as given', async () => {
    const { storage, family } = await seeded({ sub: null, auth_time: null, amr: null, scopes: ['read'] })
    const access = makeAccessToken({ family_id: family.id, client_id: family.client_id, sub: null, scopes: ['read'] })
    await storage.issueTokens({ family, access })
    expect(await storage.getFamily(family.id, now)).toEqual(family)
    expect((await storage.findAccessToken(access.hash, now))?.token).toEqual(access)
  })

  it('finds tokens whose hash is not lowercase hex, each by its own hash only', async () => {
    const { storage, family } = await seeded()
    const upper = makeAccessToken({ hash: 'AB'.repeat(32), family_id: family.id, client_id: family.client_id })
    const lower = makeAccessToken({ hash: 'ab'.repeat(32), family_id: family.id, client_id: family.client_id, scopes: ['read'] })
    const short = makeAccessToken({ hash: 'at-1', family_id: family.id, client_id: family.client_id })
    await storage.issueTokens({ family, access: upper })
    await storage.issueTokens({ access: lower })
    await storage.issueTokens({ access: short })
    expect((await storage.findAccessToken(upper.hash, now))?.token).toEqual(upper)
    expect((await storage.findAccessToken(lower.hash, now))?.token).toEqual(lower)
    expect((await storage.findAccessToken(short.hash, now))?.token).toEqual(short)
    expect(await storage.findAccessToken('at-2', now)).toBeNull()
  })

  it('hands out arrays that the caller may change without changing the stored records', async () => {
    const { storage, family } = await seeded()
    const access = makeAccessToken({ family_id: family.id, client_id: family.client_id, scopes: ['openid', 'read'] })
    const other = makeAccessToken({ family_id: family.id, client_id: family.client_id, scopes: ['openid', 'read'] })
    await storage.issueTokens({ family, access })
    await storage.issueTokens({ access: other })
    // The records given are not kept either.
    access.scopes.push('given')
    family.scopes.push('given')
    const found = await storage.findAccessToken(access.hash, now)
    found?.token.scopes.push('found')
    found?.family.scopes.push('found')
    found?.family.amr?.push('found')
    const again = await storage.findAccessToken(other.hash, now)
    expect(again?.token.scopes).toEqual(['openid', 'read'])
    expect(again?.family.scopes).toEqual(['openid', 'read'])
    expect(again?.family.amr).toEqual(['pwd'])
  })

  it('rotates a refresh token found by its hash and gives back its successor whole', async () => {
    const { storage, family } = await seeded()
    const first = makeRefreshToken({ family_id: family.id, client_id: family.client_id })
    await storage.issueTokens({ family, access: makeAccessToken({ family_id: family.id, client_id: family.client_id }), refresh: first })
    const access = makeAccessToken({ family_id: family.id, client_id: family.client_id })
    const next = makeRefreshToken({ family_id: family.id, client_id: family.client_id, access_hash: access.hash })
    expect(await storage.rotateRefresh(first.hash, { access, refresh: next }, now, 0)).toEqual({ status: 'ok' })
    expect((await storage.findRefreshToken(first.hash, now))?.token).toEqual({ ...first, used_at: now, successor_hash: next.hash })
    expect((await storage.findRefreshToken(next.hash, now))?.token).toEqual(next)
  })

  it('cleanup removes expired tokens and families, and keeps live ones', async () => {
    const { storage, client, family } = await seeded({ expires_at: FIXTURE_TIME + 10 })
    const expired = makeAccessToken({ family_id: family.id, client_id: client.client_id, expires_at: FIXTURE_TIME + 10 })
    await storage.issueTokens({ family, access: expired })
    const live = makeFamily({ client_id: client.client_id })
    const kept = makeAccessToken({ family_id: live.id, client_id: client.client_id })
    await storage.issueTokens({ family: live, access: kept })
    expect(await storage.cleanup(FIXTURE_TIME + 20)).toBe(2)
    expect(await storage.cleanup(FIXTURE_TIME + 20)).toBe(0)
    expect((await storage.findAccessToken(kept.hash, FIXTURE_TIME + 20))?.token).toEqual(kept)
  })
})
