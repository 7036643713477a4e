import { FIXTURE_TIME, randomHash } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { raceRemember } from './race.js'
import type { MakeStorage } from './seed.js'

const T = FIXTURE_TIME

/**
 * The optional `remember` of single-use values: a client assertion's `jti` (RFC 7523 §3) and a
 * DPoP proof's (RFC 9449 §11.1) are accepted once while remembered. A store without it passes
 * vacuously: the provider then refuses private_key_jwt and DPoP at start-up.
 */
export function describeRemembered(t: TestApi, makeStorage: MakeStorage, concurrency: number): void {
  const { describe, expect, it } = t
  describe('remember (optional single-use values)', () => {
    it('RFC 7523 §3: the first caller is told true, a replay false while the value is remembered', async () => {
      const storage = await makeStorage()
      if (!storage.remember) return
      const key = randomHash()
      expect(await storage.remember('jti', key, T + 60, T)).toBe(true)
      expect(await storage.remember('jti', key, T + 120, T + 30)).toBe(false)
      expect(await storage.remember('jti', key, T + 120, T + 59)).toBe(false)
    })

    it('keeps kinds and keys apart', async () => {
      const storage = await makeStorage()
      if (!storage.remember) return
      const key = randomHash()
      expect(await storage.remember('jti', key, T + 60, T)).toBe(true)
      expect(await storage.remember('dpop', key, T + 60, T)).toBe(true)
      expect(await storage.remember('jti', randomHash(), T + 60, T)).toBe(true)
    })

    it('forgets a value once it expired: the key may be remembered afresh', async () => {
      const storage = await makeStorage()
      if (!storage.remember) return
      const key = randomHash()
      expect(await storage.remember('jti', key, T + 60, T)).toBe(true)
      expect(await storage.remember('jti', key, T + 200, T + 60)).toBe(true)
      expect(await storage.remember('jti', key, T + 300, T + 100)).toBe(false)
    })

    it('cleanup removes expired values and keeps live ones', async () => {
      const storage = await makeStorage()
      if (!storage.remember) return
      const [gone, kept] = [randomHash(), randomHash()]
      await storage.remember('jti', gone, T + 10, T)
      await storage.remember('jti', kept, T + 1000, T)
      await storage.cleanup(T + 20)
      expect(await storage.remember('jti', kept, T + 1000, T + 20)).toBe(false)
      expect(await storage.remember('jti', gone, T + 1000, T + 20)).toBe(true)
    })

    it(`RFC 9449 §11.1: ${concurrency} presentations of one value at once: exactly one is told true`, async () => {
      const storage = await makeStorage()
      if (!storage.remember) return
      expect(await raceRemember(storage, concurrency)).toBe(1)
    })
  })
}
