import type { TestApi } from '../test-api.js'
import { raceConsume, raceRotateRefresh } from './race.js'
import type { MakeStorage } from './seed.js'

/**
 * Races that fail on a read-modify-write store. They prove atomicity only when the store's
 * operations really overlap: run them against the real driver, across connections or processes.
 */
export function describeConcurrency(t: TestApi, makeStorage: MakeStorage, n: number): void {
  const { describe, expect, it } = t
  describe(`concurrency (${n} requests at once)`, () => {
    it('a code presented concurrently is redeemed exactly once (RFC 6749 §4.1.2)', async () => {
      expect(await raceConsume(await makeStorage(), 'code', n)).toBe(1)
    })

    it('a consent decision submitted concurrently is taken exactly once', async () => {
      expect(await raceConsume(await makeStorage(), 'interaction', n)).toBe(1)
    })

    it('an initial access token presented concurrently registers exactly one client (RFC 7591 §3)', async () => {
      expect(await raceConsume(await makeStorage(), 'initial_access_token', n)).toBe(1)
    })

    it('RFC 9126 §4: a request_uri presented concurrently is used exactly once', async () => {
      expect(await raceConsume(await makeStorage(), 'pushed_request', n)).toBe(1)
    })

    it('a refresh token rotated concurrently yields exactly one successor (RFC 9700 §4.14.2)', async () => {
      expect(await raceRotateRefresh(await makeStorage(), n)).toBe(1)
    })
  })
}
