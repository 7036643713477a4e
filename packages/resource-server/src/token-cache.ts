import type { VerifiedAccess } from './types.js'

/** The longest a positive introspection answer is reused: a revocation takes effect within it. */
export const MAX_CACHE_MS = 60_000

interface Entry {
  access: VerifiedAccess
  /** Epoch milliseconds after which the entry is never used. */
  until: number
}

/**
 * Remembers tokens the authorization server called active, by the SHA-256 of the token (never the
 * token itself). Refusals are never remembered: a token that becomes valid, or an outage that
 * ends, is seen at the next request. Bounded: past `maxEntries` the oldest entry goes.
 */
export function createTokenCache(maxEntries: number) {
  const entries = new Map<string, Entry>()
  return {
    get(key: string, now: number): VerifiedAccess | undefined {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (now < entry.until) return entry.access
      entries.delete(key)
      return undefined
    },
    /** Keeps `access` until the token's `exp` and for at most `MAX_CACHE_MS`. */
    set(key: string, access: VerifiedAccess, now: number): void {
      const until = Math.min(now + MAX_CACHE_MS, access.expires_at * 1000)
      if (until <= now) return
      entries.delete(key)
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next()
        if (oldest.done) break
        entries.delete(oldest.value)
      }
      entries.set(key, { access, until })
    },
    get size(): number {
      return entries.size
    },
  }
}

export type TokenCache = ReturnType<typeof createTokenCache>

/** Lowercase hex SHA-256 of the token's UTF-8 bytes, the cache key (Web Crypto: no dependency). */
export async function tokenKey(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
