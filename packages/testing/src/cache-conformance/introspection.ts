import { describe, expect, it } from 'vitest'
import type { MakeStorage } from '../conformance/seed.js'
import type { MakeCache } from './read-cache.js'
import { twoLocations } from './server.js'

const MAX_STALE = 120

/**
 * docs/architecture.md "Storage": introspection and revocation always read the Storage, so a revoked token
 * is never reported active through the cache, at any location; bearer checks may lag by at most
 * the operator's `maxStaleSeconds`.
 */
export function describeIntrospectionThroughCache(makeCache: MakeCache, makeStorage: MakeStorage): void {
  const setup = async (optIn: { maxStaleSeconds?: number } = { maxStaleSeconds: MAX_STALE }) =>
    twoLocations(await makeStorage(), await makeCache(), optIn.maxStaleSeconds)

  describe('introspection through the cache (RFC 7662 §2.2, RFC 7009 §2.1)', () => {
    it('a revoked access token is never reported active, even where the cache is stale', async () => {
      const s = await setup()
      const { access_token } = await s.codeFlow()
      for (const location of [s.here, s.elsewhere]) {
        expect(await s.bearerAccepted(location, access_token)).toBe(true)
        expect(await s.active(location, access_token)).toBe(true)
      }
      expect(await s.revoke(s.here, access_token, 'access_token')).toBe(200)
      expect(await s.active(s.here, access_token)).toBe(false)
      expect(await s.active(s.elsewhere, access_token)).toBe(false)
      expect(await s.bearerAccepted(s.here, access_token)).toBe(false)
    })

    it('revoking the refresh token ends its access token for introspection at once (RFC 7009 §2.1)', async () => {
      const s = await setup()
      const { access_token, refresh_token } = await s.codeFlow()
      expect(await s.bearerAccepted(s.elsewhere, access_token)).toBe(true)
      expect(await s.revoke(s.here, refresh_token)).toBe(200)
      expect(await s.active(s.here, access_token)).toBe(false)
      expect(await s.active(s.elsewhere, access_token)).toBe(false)
      expect(await s.active(s.elsewhere, refresh_token)).toBe(false)
    })

    it("a deleted client's tokens are never reported active", async () => {
      const s = await setup()
      const { access_token } = await s.codeFlow()
      expect(await s.active(s.elsewhere, access_token)).toBe(true)
      await s.here.clients.delete(s.app.id)
      expect(await s.active(s.here, access_token)).toBe(false)
      expect(await s.active(s.elsewhere, access_token)).toBe(false)
    })

    it('a revoked token cannot be revoked into life again, nor revoked twice into an error', async () => {
      const s = await setup()
      const { access_token } = await s.codeFlow()
      expect(await s.bearerAccepted(s.elsewhere, access_token)).toBe(true)
      expect(await s.revoke(s.here, access_token)).toBe(200)
      expect(await s.revoke(s.elsewhere, access_token)).toBe(200)
      expect(await s.active(s.elsewhere, access_token)).toBe(false)
    })

    it('a stale location accepts a revoked bearer token for at most maxStaleSeconds (the opt-in caveat)', async () => {
      const s = await setup()
      const { access_token, refresh_token } = await s.codeFlow()
      expect(await s.bearerAccepted(s.elsewhere, access_token)).toBe(true)
      await s.revoke(s.here, refresh_token)
      s.clock.advance(MAX_STALE)
      expect(await s.bearerAccepted(s.elsewhere, access_token)).toBe(false)
      expect(await s.bearerAccepted(s.here, access_token)).toBe(false)
    })

    it('without the opt-in, a revocation reaches bearer checks at every location at once', async () => {
      const s = await setup({})
      const { access_token, refresh_token } = await s.codeFlow()
      expect(await s.bearerAccepted(s.elsewhere, access_token)).toBe(true)
      await s.revoke(s.here, refresh_token)
      expect(await s.bearerAccepted(s.elsewhere, access_token)).toBe(false)
      expect(await s.active(s.elsewhere, access_token)).toBe(false)
    })
  })
}
