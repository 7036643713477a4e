import { memoryStorage } from '@grantline/core'
import { describe } from 'vitest'
import { describeCachedStorage } from './cache-conformance/cached-storage.js'
import { describeIntrospectionThroughCache } from './cache-conformance/introspection.js'
import { describeReadCache, type MakeCache } from './cache-conformance/read-cache.js'
import type { MakeStorage } from './conformance/seed.js'

export type { MakeCache } from './cache-conformance/read-cache.js'

export interface CacheConformanceOptions {
  /** The Storage the cache fronts, fresh and empty for each test; memoryStorage by default. */
  makeStorage?: MakeStorage
}

/**
 * Registers vitest suites pinning the ReadCache contract and what `cachedStorage` may answer from
 * it: clients (invalidated on change), access tokens only on the operator's opt-in and never
 * staler than `maxStaleSeconds`, and never a decision: a revoked token is not reported active by
 * introspection through the cache, even at a location the invalidation has not reached.
 * `makeCache` is called once per test; values from other tests must not show through it.
 */
export function runCacheConformance(name: string, makeCache: MakeCache, options: CacheConformanceOptions = {}): void {
  const makeStorage = options.makeStorage ?? (() => memoryStorage())
  describe(`Cache conformance: ${name}`, () => {
    describeReadCache(makeCache)
    describeCachedStorage(makeCache, makeStorage)
    describeIntrospectionThroughCache(makeCache, makeStorage)
  })
}
