import type { HitCounts, Storage } from '@grantline/core'
import { FIXTURE_TIME, randomId } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import type { MakeStorage } from './seed.js'

const W = 60
/** The start of a window: FIXTURE_TIME rounded down to a multiple of W. */
const START = FIXTURE_TIME - (FIXTURE_TIME % W)

type Counters = Required<Pick<Storage, 'hit' | 'countHits'>>

/** The store's counters, or null when it does not offer them (rate limiting is then off). */
async function counters(makeStorage: MakeStorage): Promise<Counters | null> {
  const storage = await makeStorage()
  const { hit, countHits } = storage
  if (typeof hit !== 'function' || typeof countHits !== 'function') return null
  return { hit: hit.bind(storage), countHits: countHits.bind(storage) }
}

const counts = (current: number, previous: number): HitCounts => ({ current, previous })

/**
 * The optional rate-limit counters (`hit`, `countHits`): fixed windows aligned on multiples of
 * the window length, rolled over as time passes, atomic under concurrent hits. A store without
 * them passes vacuously: the provider then runs without rate limiting.
 */
export function describeRateLimits(t: TestApi, makeStorage: MakeStorage, concurrency: number): void {
  const { describe, expect, it } = t
  describe('rate-limit counters (optional hit / countHits)', () => {
    it('counts hits per key in the window holding now; an unknown key has none', async () => {
      const store = await counters(makeStorage)
      if (!store) return
      const key = randomId('rl')
      expect(await store.countHits(key, START + 1, W)).toEqual(counts(0, 0))
      expect(await store.hit(key, START + 1, W)).toEqual(counts(1, 0))
      expect(await store.hit(key, START + 30, W)).toEqual(counts(2, 0))
      expect(await store.countHits(key, START + W - 1, W)).toEqual(counts(2, 0))
      expect(await store.countHits(randomId('rl'), START + 2, W)).toEqual(counts(0, 0))
    })

    it('rolls the current window into the previous one, and forgets it a window later', async () => {
      const store = await counters(makeStorage)
      if (!store) return
      const key = randomId('rl')
      await store.hit(key, START + 5, W)
      await store.hit(key, START + 6, W)
      expect(await store.countHits(key, START + W, W)).toEqual(counts(0, 2))
      expect(await store.hit(key, START + W + 10, W)).toEqual(counts(1, 2))
      expect(await store.countHits(key, START + 2 * W + 1, W)).toEqual(counts(0, 1))
      expect(await store.countHits(key, START + 3 * W, W)).toEqual(counts(0, 0))
      // A hit after a gap of more than a window starts afresh.
      expect(await store.hit(key, START + 5 * W, W)).toEqual(counts(1, 0))
    })

    it('keeps keys apart', async () => {
      const store = await counters(makeStorage)
      if (!store) return
      const [a, b] = [randomId('rl'), randomId('rl')]
      await store.hit(a, START + 1, W)
      await store.hit(a, START + 2, W)
      expect(await store.hit(b, START + 3, W)).toEqual(counts(1, 0))
      expect(await store.countHits(a, START + 4, W)).toEqual(counts(2, 0))
    })

    it(`${concurrency} hits at once all count, each answer including its own`, async () => {
      const store = await counters(makeStorage)
      if (!store) return
      const key = randomId('rl')
      const answers = await Promise.all(Array.from({ length: concurrency }, () => store.hit(key, START + 1, W)))
      expect(answers.map((a) => a.current).sort((x, y) => x - y)).toEqual(Array.from({ length: concurrency }, (_, i) => i + 1))
      expect(await store.countHits(key, START + 2, W)).toEqual(counts(concurrency, 0))
    })

    it('cleanup removes counters that no longer count', async () => {
      const storage = await makeStorage()
      if (typeof storage.hit !== 'function' || typeof storage.countHits !== 'function') return
      const key = randomId('rl')
      await storage.hit(key, START + 1, W)
      expect(await storage.cleanup(START + W)).toBe(0)
      expect(await storage.cleanup(START + 2 * W)).toBe(1)
      expect(await storage.countHits(key, START + 1, W)).toEqual(counts(0, 0))
    })
  })
}
