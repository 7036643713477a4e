import { type AccessTokenRecord, type Client, ConfigError, type Storage, sha256Hex, type TokenWithFamily } from '@grantline/core'
import type { ReadCache } from './read-cache.js'

export interface CachedStorageOptions {
  /** How long a client record may be answered from the cache, in seconds. Default 300. */
  clientTtlSeconds?: number
  /**
   * Opt-in: bearer-token checks (`provider.verifyAccessToken`, userinfo) may be answered from the
   * cache with a record read from the Storage at most `maxStaleSeconds` ago, so a revocation may
   * take that long to reach them. Introspection and revocation always read the Storage.
   */
  accessTokens?: { maxStaleSeconds: number }
  /**
   * Takes cache fills off the response path: Workers' `waitUntil`. Without it fills are awaited.
   * Nothing else is ever deferred: every write to the Storage is awaited by the request.
   */
  defer?: (work: Promise<unknown>) => void
  /** Told about cache failures; the request then goes on with the Storage's answer. */
  onError?: (error: unknown) => void
}

/** A cached record with the epoch second it was read from the Storage. */
interface Stamped<T> {
  stored_at: number
  value: T
}

type CachedMethods = 'capabilities' | 'getClient' | 'putClient' | 'deleteClient' | 'findAccessToken' | 'revokeAccessToken'

const positiveInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0

function checkOptions(storage: Storage, options: CachedStorageOptions): void {
  if (typeof storage?.consume !== 'function') {
    throw new ConfigError(
      'ERR_INVALID_CONFIG',
      'cachedStorage: the first argument must be a Storage (D1 through sqlStorage); a cache cannot be one',
    )
  }
  if (options.clientTtlSeconds !== undefined && !positiveInteger(options.clientTtlSeconds)) {
    throw new ConfigError('ERR_INVALID_CONFIG', 'cachedStorage: clientTtlSeconds must be a positive integer')
  }
  if (options.accessTokens && !positiveInteger(options.accessTokens.maxStaleSeconds)) {
    throw new ConfigError('ERR_INVALID_CONFIG', 'cachedStorage: accessTokens.maxStaleSeconds must be a positive integer')
  }
}

/**
 * A Storage that answers client lookups (and, only when the operator opts in with
 * `accessTokens.maxStaleSeconds`, bearer-token checks) from a read cache in front of a real
 * Storage. Everything that decides (consume, refresh rotation, revocation, introspection) and
 * every write goes to the wrapped Storage, awaited; the wrapper declares the wrapped Storage's
 * capabilities, no more (docs/architecture.md "Storage"). A client change made through this wrapper removes
 * the cached copy; one made elsewhere, or an invalidation KV has not yet carried to another
 * location, is seen within `clientTtlSeconds` (plus KV's propagation delay).
 */
export function cachedStorage(storage: Storage, cache: ReadCache, options: CachedStorageOptions = {}): Storage {
  checkOptions(storage, options)
  const clientTtl = options.clientTtlSeconds ?? 300
  const maxStale = options.accessTokens?.maxStaleSeconds
  const clientKey = (clientId: string) => `client:${sha256Hex(clientId)}`
  const tokenKey = (hash: string) => `access_token:${hash}`

  const report = (error: unknown) => {
    try {
      options.onError?.(error)
    } catch {
      // A failing reporter must not turn a cache miss into a failed request.
    }
  }
  const read = async <T>(key: string): Promise<T | null> => {
    try {
      return await cache.get<T>(key)
    } catch (error) {
      report(error)
      return null
    }
  }
  const fill = async (key: string, value: unknown, ttlSeconds: number): Promise<void> => {
    const work = cache.put(key, value, ttlSeconds).catch(report)
    if (options.defer) options.defer(work)
    else await work
  }
  const invalidate = (key: string) => cache.delete(key).catch(report)

  const cached: Pick<Storage, CachedMethods> = {
    capabilities: storage.capabilities,
    async getClient(clientId) {
      const key = clientKey(clientId)
      const hit = await read<Client>(key)
      if (hit?.client_id === clientId) return hit
      const client = await storage.getClient(clientId)
      if (client) await fill(key, client, clientTtl)
      return client
    },
    async putClient(client) {
      await storage.putClient(client)
      await invalidate(clientKey(client.client_id))
    },
    async deleteClient(clientId, now) {
      await storage.deleteClient(clientId, now)
      await invalidate(clientKey(clientId))
    },
    async findAccessToken(hash, now, readOptions) {
      if (maxStale === undefined || readOptions?.consistent) return storage.findAccessToken(hash, now, readOptions)
      const key = tokenKey(hash)
      const hit = await read<Stamped<TokenWithFamily<AccessTokenRecord>>>(key)
      if (hit && isUsable(hit, hash, now, maxStale)) return hit.value
      const found = await storage.findAccessToken(hash, now)
      const ttl = found ? Math.min(maxStale, found.token.expires_at - now, found.family.expires_at - now) : 0
      if (found && ttl > 0) await fill(key, { stored_at: now, value: found } satisfies Stamped<TokenWithFamily<AccessTokenRecord>>, ttl)
      return found
    },
    async revokeAccessToken(hash, now) {
      await storage.revokeAccessToken(hash, now)
      if (maxStale !== undefined) await invalidate(tokenKey(hash))
    },
  }

  // Spelled out, so that a method added to Storage fails to compile here until it is routed.
  const passedThrough: Omit<Storage, CachedMethods> = {
    listClients: (filter) => storage.listClients(filter),
    findConsent: (sub, clientId) => storage.findConsent(sub, clientId),
    putConsent: (consent) => storage.putConsent(consent),
    listConsents: (sub) => storage.listConsents(sub),
    revokeConsent: (id, now) => storage.revokeConsent(id, now),
    // A user's cached access tokens stay usable for at most maxStaleSeconds, as after any revocation.
    revokeSubject: (sub, now) => storage.revokeSubject(sub, now),
    createInteraction: (interaction) => storage.createInteraction(interaction),
    getInteraction: (id, now) => storage.getInteraction(id, now),
    createPushedRequest: (request) => storage.createPushedRequest(request),
    createInitialAccessToken: (token) => storage.createInitialAccessToken(token),
    getInitialAccessToken: (hash, now) => storage.getInitialAccessToken(hash, now),
    createCode: (code, family) => storage.createCode(code, family),
    consume: (kind, key, now) => storage.consume(kind, key, now),
    getFamily: (id, now) => storage.getFamily(id, now),
    createFamily: (family) => storage.createFamily(family),
    revokeFamily: (id, now) => storage.revokeFamily(id, now),
    issueTokens: (tokens) => storage.issueTokens(tokens),
    findRefreshToken: (hash, now) => storage.findRefreshToken(hash, now),
    rotateRefresh: (oldHash, next, now, graceSeconds) => storage.rotateRefresh(oldHash, next, now, graceSeconds),
    listSigningKeys: () => storage.listSigningKeys(),
    addSigningKey: (key, addOptions) => storage.addSigningKey(key, addOptions),
    // A dynamic client it removes (unused for long, so holding no live grant) may still be
    // answered from the cache for up to clientTtlSeconds.
    cleanup: (now, limit, cleanupOptions) => storage.cleanup(now, limit, cleanupOptions),
  }
  // Optional members are writes or decisions too (rate-limit counters): the Storage answers them.
  // Single-use values (RFC 7523 jti, RFC 9449 DPoP proofs) are decisions: never cached.
  if (storage.remember) passedThrough.remember = storage.remember.bind(storage)
  if (storage.hit) passedThrough.hit = storage.hit.bind(storage)
  if (storage.countHits) passedThrough.countHits = storage.countHits.bind(storage)
  // Device authorizations (RFC 8628) are decided and polled atomically: never cached.
  if (storage.createDeviceAuthorization) passedThrough.createDeviceAuthorization = storage.createDeviceAuthorization.bind(storage)
  if (storage.findDeviceAuthorization) passedThrough.findDeviceAuthorization = storage.findDeviceAuthorization.bind(storage)
  if (storage.decideDeviceAuthorization) passedThrough.decideDeviceAuthorization = storage.decideDeviceAuthorization.bind(storage)
  if (storage.pollDeviceAuthorization) passedThrough.pollDeviceAuthorization = storage.pollDeviceAuthorization.bind(storage)
  return { ...passedThrough, ...cached }
}

/** A cached token is answered only while younger than maxStale and still unexpired, with its family. */
function isUsable(hit: Stamped<TokenWithFamily<AccessTokenRecord>>, hash: string, now: number, maxStale: number): boolean {
  const age = now - hit.stored_at
  const { token, family } = hit.value ?? {}
  return age >= 0 && age < maxStale && token?.hash === hash && token.expires_at > now && family?.expires_at > now
}
