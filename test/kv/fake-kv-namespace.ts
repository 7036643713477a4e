import type { KvNamespaceLike } from '@grantline/kv'

/** An in-memory stand-in for a KV namespace binding, strict where KV is: TTLs under 60 s throw. */
export function fakeKvNamespace(): KvNamespaceLike & { keys(): string[] } {
  const values = new Map<string, string>()
  return {
    async get(key, type) {
      if (type !== 'json') throw new TypeError('the cache reads JSON')
      const value = values.get(key)
      return value === undefined ? null : JSON.parse(value)
    },
    async put(key, value, options) {
      if (options?.expirationTtl !== undefined && options.expirationTtl < 60)
        throw new Error('KV PUT failed: 400 Invalid expiration_ttl of less than 60 seconds')
      if (typeof value !== 'string') throw new TypeError('the cache writes strings')
      values.set(key, value)
    },
    async delete(key) {
      values.delete(key)
    },
    keys: () => [...values.keys()],
  }
}
