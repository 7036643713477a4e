/**
 * What `cachedStorage` needs from a cache: JSON values under string keys, each with a time to
 * live. A read cache may answer stale or missing values; it never decides anything, so it needs
 * no compare-and-swap and no consistency across locations. It is NOT a Storage (docs/architecture.md
 * "Storage"): nothing single-use, no revocation and no token write ever depends on it.
 */
export interface ReadCache {
  /** The value stored under `key`, a fresh copy; null when absent or expired. */
  get<T>(key: string): Promise<T | null>
  /**
   * Stores a JSON-serialisable value for about `ttlSeconds`; a backend may round the time up to
   * its minimum (KV's is 60 s), so callers that need a tighter bound stamp their values.
   */
  put(key: string, value: unknown, ttlSeconds: number): Promise<void>
  /** Removes the value; removing an absent key is not an error. */
  delete(key: string): Promise<void>
}
