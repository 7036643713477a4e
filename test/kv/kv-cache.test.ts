import { createProvider, memoryStorage } from '@grantline/core'
import { cachedStorage, kvCache } from '@grantline/kv'
import { testAccounts } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { fakeKvNamespace } from './fake-kv-namespace.js'

const SECRET = 'kv-test-secret-0123456789-abcdefghijkl'

describe('kvCache', () => {
  it('keeps its keys under the prefix and JSON in the values', async () => {
    const namespace = fakeKvNamespace()
    const cache = kvCache(namespace, { prefix: 'issuer-a:' })
    await cache.put('client:x', { a: 1 }, 300)
    expect(namespace.keys()).toEqual(['issuer-a:client:x'])
    expect(await kvCache(namespace, { prefix: 'issuer-b:' }).get('client:x')).toBeNull()
  })

  it('refuses something that is not a KV namespace, with a coded error', () => {
    expect(() => kvCache({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }))
  })
})

describe('KV is never a Storage (docs/architecture.md "Storage")', () => {
  const accounts = testAccounts([]).accounts
  const config = { issuer: 'https://as.example/o', accounts, secrets: [SECRET] }

  it('createProvider refuses a KV namespace given as storage, and says why', () => {
    expect(() => createProvider({ ...config, storage: fakeKvNamespace() as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG', message: expect.stringMatching(/KV namespace is only a cache/) }),
    )
  })

  it('createProvider refuses a kvCache given as storage', () => {
    expect(() => createProvider({ ...config, storage: kvCache(fakeKvNamespace()) as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }),
    )
  })

  it('createProvider accepts a Storage with the cache in front of it', () => {
    const storage = cachedStorage(memoryStorage(), kvCache(fakeKvNamespace()), { accessTokens: { maxStaleSeconds: 60 } })
    expect(createProvider({ ...config, storage }).issuer).toBe('https://as.example/o')
  })

  it('cachedStorage refuses bad options with coded errors', () => {
    const cache = kvCache(fakeKvNamespace())
    expect(() => cachedStorage(memoryStorage(), cache, { clientTtlSeconds: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }),
    )
    expect(() => cachedStorage(memoryStorage(), cache, { accessTokens: { maxStaleSeconds: 1.5 } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }),
    )
  })
})
