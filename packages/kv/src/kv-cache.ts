import { ConfigError } from '@grantline/core'
import type { ReadCache } from './read-cache.js'

/**
 * The part of a Workers KV namespace binding that the cache uses. A `KVNamespace` satisfies it as
 * it is; so does any object with the same three methods.
 */
export interface KvNamespaceLike {
  get(key: string, type: 'json'): Promise<unknown>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
  delete(key: string): Promise<void>
}

export interface KvCacheOptions {
  /** Prepended to every key, so that one namespace can serve several issuers. Default `grantline:`. */
  prefix?: string
}

/** KV refuses an `expirationTtl` below 60 seconds. */
export const KV_MIN_TTL_SECONDS = 60

/**
 * A read cache over a Workers-KV-shaped namespace. KV is eventually consistent (a write or delete
 * may take 60 s or more to reach other locations) and has no compare-and-swap, so it is only ever
 * a cache in front of a Storage (see `cachedStorage`), never the Storage itself.
 */
export function kvCache(namespace: KvNamespaceLike, options: KvCacheOptions = {}): ReadCache {
  for (const method of ['get', 'put', 'delete'] as const) {
    if (typeof namespace?.[method] !== 'function') {
      throw new ConfigError(
        'ERR_INVALID_CONFIG',
        `kvCache: the namespace has no ${method}(); pass a KV namespace binding such as env.CACHE`,
      )
    }
  }
  const prefix = options.prefix ?? 'grantline:'
  return {
    async get<T>(key: string) {
      return ((await namespace.get(prefix + key, 'json')) ?? null) as T | null
    },
    async put(key, value, ttlSeconds) {
      const expirationTtl = Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds))
      await namespace.put(prefix + key, JSON.stringify(value), { expirationTtl })
    },
    async delete(key) {
      await namespace.delete(prefix + key)
    },
  }
}
