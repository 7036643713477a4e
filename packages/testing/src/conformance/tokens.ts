import { FIXTURE_TIME, makeAccessToken, makeFamily } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { issuePair, type MakeStorage, makePair, seedGrant } from './seed.js'

const T = FIXTURE_TIME

/** Family rules: create, read while live, revoke by setting revoked_at. */
function describeFamilies(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('families', () => {
    it('getFamily returns a created family unchanged', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      expect(await storage.getFamily(grant.family.id, T + 1)).toEqual(grant.family)
    })

    it('getFamily answers null for an unknown family', async () => {
      const storage = await makeStorage()
      expect(await storage.getFamily('no-such-family', T)).toBeNull()
    })

    it('getFamily answers null once the family expired (expires_at <= now)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage, { family: { expires_at: T + 100 } })
      expect(await storage.getFamily(grant.family.id, T + 99)).not.toBeNull()
      expect(await storage.getFamily(grant.family.id, T + 100)).toBeNull()
    })

    it('revokeFamily ends the family and only that family', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const other = await seedGrant(storage)
      await storage.revokeFamily(grant.family.id, T + 1)
      expect(await storage.getFamily(grant.family.id, T + 2)).toBeNull()
      expect(await storage.getFamily(other.family.id, T + 2)).toEqual(other.family)
    })

    it('a family without a consent (client_credentials) lives on its own', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage, { family: { consent_id: null, sub: null } })
      const pair = await issuePair(storage, grant)
      expect(await storage.getFamily(grant.family.id, T + 1)).toEqual(grant.family)
      expect((await storage.findAccessToken(pair.access.hash, T + 1))?.token).toEqual(pair.access)
    })

    it('a returned family is a copy: mutating it does not change storage', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const expected = structuredClone(grant.family)
      const got = await storage.getFamily(grant.family.id, T + 1)
      got?.scopes.push('admin')
      if (got) got.revoked_at = T
      expect(await storage.getFamily(expected.id, T + 1)).toEqual(expected)
    })
  })
}

/** Token rules: valid only while token, family and consent are all unrevoked and unexpired. */
export function describeTokens(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describeFamilies(t, makeStorage)

  describe('tokens', () => {
    it('issued tokens are found with their family (RFC 6749 §5.1)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      expect(await storage.findAccessToken(pair.access.hash, T + 1)).toEqual({
        token: pair.access,
        family: grant.family,
      })
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 1)).toEqual({
        token: pair.refresh,
        family: grant.family,
      })
    })

    it('issueTokens with a family stores the family in the same step', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
      const pair = makePair({ ...grant, family })
      await storage.issueTokens({ family, ...pair })
      expect(await storage.getFamily(family.id, T + 1)).toEqual(family)
      expect(await storage.findAccessToken(pair.access.hash, T + 1)).toEqual({
        token: pair.access,
        family,
      })
      expect((await storage.findRefreshToken(pair.refresh.hash, T + 1))?.family).toEqual(family)
    })

    it("an access token keeps its own audience (RFC 8707), a subset of its family's resources, through issue and rotation", async () => {
      const storage = await makeStorage()
      const resource = ['https://mcp.example/mcp', 'https://files.example/api']
      const grant = await seedGrant(storage, { family: { resource } })
      const pair = await issuePair(storage, grant, T, { access: { audience: ['https://files.example/api'] } })
      const found = await storage.findAccessToken(pair.access.hash, T + 1)
      expect(found?.token.audience).toEqual(['https://files.example/api'])
      expect(found?.family.resource).toEqual(resource)
      const next = makePair(grant, T + 2, { access: { audience: resource } })
      expect(await storage.rotateRefresh(pair.refresh.hash, next, T + 2, 0)).toEqual({ status: 'ok' })
      expect((await storage.findAccessToken(next.access.hash, T + 3))?.token.audience).toEqual(resource)
    })

    it('RFC 9449 §6: a DPoP-bound access and refresh token keep their cnf_jkt through issue and rotation', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
      const pair = await issuePair(storage, grant, T, { access: { cnf_jkt: jkt }, refresh: { cnf_jkt: jkt } })
      expect((await storage.findAccessToken(pair.access.hash, T + 1))?.token.cnf_jkt).toBe(jkt)
      expect((await storage.findRefreshToken(pair.refresh.hash, T + 1))?.token.cnf_jkt).toBe(jkt)
      const next = makePair(grant, T + 2, { access: { cnf_jkt: jkt }, refresh: { cnf_jkt: jkt } })
      expect(await storage.rotateRefresh(pair.refresh.hash, next, T + 2, 0)).toEqual({ status: 'ok' })
      expect((await storage.findAccessToken(next.access.hash, T + 3))?.token).toEqual(next.access)
      expect((await storage.findRefreshToken(next.refresh.hash, T + 3))?.token).toEqual(next.refresh)
    })

    it('issueTokens without a refresh token stores the access token alone', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const access = makeAccessToken({
        family_id: grant.family.id,
        client_id: grant.client.client_id,
      })
      await storage.issueTokens({ access })
      expect((await storage.findAccessToken(access.hash, T + 1))?.token).toEqual(access)
      expect(await storage.findRefreshToken(access.hash, T + 1)).toBeNull()
    })

    it('an unknown hash is not found', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      await issuePair(storage, grant)
      expect(await storage.findAccessToken('0'.repeat(64), T + 1)).toBeNull()
      expect(await storage.findRefreshToken('0'.repeat(64), T + 1)).toBeNull()
    })

    it('an access token and a refresh token are not interchangeable', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      expect(await storage.findAccessToken(pair.refresh.hash, T + 1)).toBeNull()
      expect(await storage.findRefreshToken(pair.access.hash, T + 1)).toBeNull()
    })

    it('a token is expired at its expires_at (expires_at <= now)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant, T, {
        access: { expires_at: T + 3600 },
        refresh: { expires_at: T + 7200 },
      })
      expect(await storage.findAccessToken(pair.access.hash, T + 3599)).not.toBeNull()
      expect(await storage.findAccessToken(pair.access.hash, T + 3600)).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 7199)).not.toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 7200)).toBeNull()
    })

    it("a live token of an expired family is not found (the family's 90-day cap)", async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage, { family: { expires_at: T + 100 } })
      const pair = await issuePair(storage, grant)
      expect(await storage.findAccessToken(pair.access.hash, T + 100)).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 100)).toBeNull()
    })

    it('revokeFamily invalidates every token of the family (RFC 7009 §2.1)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      const second = await issuePair(storage, grant)
      const other = await issuePair(storage, await seedGrant(storage))
      await storage.revokeFamily(grant.family.id, T + 1)
      for (const p of [pair, second]) {
        expect(await storage.findAccessToken(p.access.hash, T + 2)).toBeNull()
        expect(await storage.findRefreshToken(p.refresh.hash, T + 2)).toBeNull()
      }
      expect(await storage.findAccessToken(other.access.hash, T + 2)).not.toBeNull()
    })

    it('tokens issued into a family after its revocation are not valid', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      await storage.revokeFamily(grant.family.id, T + 1)
      const pair = await issuePair(storage, grant, T + 2)
      expect(await storage.findAccessToken(pair.access.hash, T + 3)).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 3)).toBeNull()
    })

    it('revokeAccessToken ends that access token only (RFC 7009 §2.1)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      const sibling = await issuePair(storage, grant)
      await storage.revokeAccessToken(pair.access.hash, T + 1)
      await storage.revokeAccessToken('0'.repeat(64), T + 1)
      expect(await storage.findAccessToken(pair.access.hash, T + 2)).toBeNull()
      expect(await storage.findAccessToken(sibling.access.hash, T + 2)).not.toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 2)).not.toBeNull()
      expect(await storage.getFamily(grant.family.id, T + 2)).not.toBeNull()
    })

    it('returned tokens and families are copies: mutating them does not change storage', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      const expected = structuredClone({ ...pair, family: grant.family })
      const found = await storage.findAccessToken(pair.access.hash, T + 1)
      if (found) {
        found.token.scopes.push('admin')
        found.token.expires_at = T + 999_999
        found.family.revoked_at = T
      }
      const refresh = await storage.findRefreshToken(pair.refresh.hash, T + 1)
      if (refresh) refresh.token.used_at = T
      expect(await storage.findAccessToken(expected.access.hash, T + 1)).toEqual({
        token: expected.access,
        family: expected.family,
      })
      expect((await storage.findRefreshToken(expected.refresh.hash, T + 1))?.token).toEqual(expected.refresh)
    })

    it('issued records do not alias the objects passed to issueTokens', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      const expected = structuredClone(pair)
      pair.access.scopes.push('admin')
      pair.refresh.revoked_at = T
      expect((await storage.findAccessToken(pair.access.hash, T + 1))?.token).toEqual(expected.access)
      expect((await storage.findRefreshToken(pair.refresh.hash, T + 1))?.token).toEqual(expected.refresh)
    })
  })
}
