import type { ReadCache } from '@grantline/kv'
import { describe, expect, it } from 'vitest'

/** How a cache conformance run obtains a cache for each test; values put by other tests must not show. */
export type MakeCache = () => ReadCache | Promise<ReadCache>

const RECORD = {
  client_id: 'client-1',
  scopes: ['openid', 'read'],
  nested: { list: [1, 2.5, -3], flag: false, nothing: null, text: 'é ✓ "quoted"' },
  created_at: 1_700_000_000,
}

/** The ReadCache contract: JSON values by key, fresh copies, replace, delete, any TTL accepted. */
export function describeReadCache(makeCache: MakeCache): void {
  describe('read cache', () => {
    it('answers null for a key never stored', async () => {
      const cache = await makeCache()
      expect(await cache.get('never-stored')).toBeNull()
    })

    it('answers what was stored, as JSON round-trips it', async () => {
      const cache = await makeCache()
      await cache.put('record', RECORD, 300)
      expect(await cache.get('record')).toEqual(RECORD)
    })

    it('answers a fresh copy: mutating it does not change the cache', async () => {
      const cache = await makeCache()
      await cache.put('record', RECORD, 300)
      const first = await cache.get<typeof RECORD>('record')
      first?.scopes.push('admin')
      if (first) first.nested.flag = true
      expect(await cache.get('record')).toEqual(RECORD)
    })

    it('a later put replaces the value', async () => {
      const cache = await makeCache()
      await cache.put('record', RECORD, 300)
      await cache.put('record', { ...RECORD, client_id: 'client-2' }, 300)
      expect(await cache.get('record')).toEqual({ ...RECORD, client_id: 'client-2' })
    })

    it('delete removes the value; deleting an absent key is not an error', async () => {
      const cache = await makeCache()
      await cache.put('record', RECORD, 300)
      await cache.delete('record')
      await cache.delete('never-stored')
      expect(await cache.get('record')).toBeNull()
    })

    it('keys are exact: a prefix or an extension of a key is another key', async () => {
      const cache = await makeCache()
      await cache.put('client:abc', { at: 'short' }, 300)
      await cache.put('client:abcd', { at: 'long' }, 300)
      expect(await cache.get('client:ab')).toBeNull()
      expect(await cache.get('client:abc')).toEqual({ at: 'short' })
      expect(await cache.get('client:abcd')).toEqual({ at: 'long' })
    })

    it('accepts a time to live below the backend minimum (KV rounds it up to 60 s)', async () => {
      const cache = await makeCache()
      await cache.put('short-lived', RECORD, 1)
      expect(await cache.get('short-lived')).toEqual(RECORD)
    })
  })
}
