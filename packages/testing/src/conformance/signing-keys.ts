import type { SigningKeyRecord } from '@grantline/core'
import { FIXTURE_TIME, randomId } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import type { MakeStorage } from './seed.js'

function makeKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const kid = randomId('kid')
  return {
    kid,
    alg: 'ES256',
    public_jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid },
    private_jwe: `jwe.${kid}`,
    created_at: FIXTURE_TIME,
    activate_at: FIXTURE_TIME,
    ...overrides,
  }
}

/** Signing keys: listed in activation order; the first key is insert-if-absent under a race. */
export function describeSigningKeys(t: TestApi, makeStorage: MakeStorage, concurrency: number): void {
  const { describe, expect, it } = t
  describe('signing keys', () => {
    it('stores keys and lists them in activation order, as copies', async () => {
      const storage = await makeStorage()
      const later = makeKey({ activate_at: FIXTURE_TIME + 600 })
      const first = makeKey()
      expect(await storage.addSigningKey(later)).toBe(true)
      expect(await storage.addSigningKey(first)).toBe(true)
      const keys = await storage.listSigningKeys()
      expect(keys.map((k) => k.kid)).toEqual([first.kid, later.kid])
      expect(keys[0]).toEqual(first)
      ;(keys[0] as SigningKeyRecord).public_jwk.x = 'changed'
      expect((await storage.listSigningKeys())[0]).toEqual(first)
    })

    it('refuses a second key with the same kid', async () => {
      const storage = await makeStorage()
      const key = makeKey()
      await storage.addSigningKey(key)
      expect(await storage.addSigningKey({ ...key, alg: 'RS256' })).toBe(false)
      expect((await storage.listSigningKeys()).map((k) => k.alg)).toEqual(['ES256'])
    })

    it('ifNone stores only into an empty key table', async () => {
      const storage = await makeStorage()
      expect(await storage.addSigningKey(makeKey(), { ifNone: true })).toBe(true)
      expect(await storage.addSigningKey(makeKey(), { ifNone: true })).toBe(false)
      expect(await storage.listSigningKeys()).toHaveLength(1)
    })

    it(`${concurrency} instances creating the first key at once: exactly one wins`, async () => {
      const storage = await makeStorage()
      const results = await Promise.all(Array.from({ length: concurrency }, () => storage.addSigningKey(makeKey(), { ifNone: true })))
      expect(results.filter(Boolean)).toHaveLength(1)
      expect(await storage.listSigningKeys()).toHaveLength(1)
    })
  })
}
