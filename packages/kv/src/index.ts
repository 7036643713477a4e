export { type CachedStorageOptions, cachedStorage } from './cached-storage.js'
export { KV_MIN_TTL_SECONDS, type KvCacheOptions, type KvNamespaceLike, kvCache } from './kv-cache.js'
export type { ReadCache } from './read-cache.js'
