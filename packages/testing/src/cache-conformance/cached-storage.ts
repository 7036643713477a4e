import { createProvider, memoryStorage } from '@grantline/core'
import { cachedStorage, type ReadCache } from '@grantline/kv'
import { describe, expect, it } from 'vitest'
import { issuePair, type MakeStorage, makePair, seedGrant } from '../conformance/seed.js'
import { FIXTURE_TIME, makeClient, makeCode, makeFamily } from '../fixtures.js'
import { nonAtomicStorage } from '../non-atomic-storage.js'
import { testAccounts } from '../test-accounts.js'
import { countingStorage } from './counting-storage.js'
import type { MakeCache } from './read-cache.js'

const T = FIXTURE_TIME
const SECRET = 'cache-conformance-secret-0123456789abcdef'

/** A cache whose every call fails, as KV does when it is over its limits or unreachable. */
function failingCache(): ReadCache {
  const fail = async (): Promise<never> => {
    throw new Error('cache unavailable')
  }
  return { get: fail, put: fail, delete: fail }
}

async function wrapped(makeCache: MakeCache, makeStorage: MakeStorage, options: Parameters<typeof cachedStorage>[2] = {}) {
  const inner = countingStorage(await makeStorage())
  const cache = await makeCache()
  return { ...inner, inner: inner.storage, cache, storage: cachedStorage(inner.storage, cache, options) }
}

/** cachedStorage over the cache: what it may answer from the cache, and what must reach the Storage. */
export function describeCachedStorage(makeCache: MakeCache, makeStorage: MakeStorage): void {
  describe('cachedStorage: a cache is never the Storage', () => {
    it('createProvider refuses the cache given as storage', async () => {
      const accounts = testAccounts([]).accounts
      const cache = (await makeCache()) as unknown as Parameters<typeof createProvider>[0]['storage']
      expect(() => createProvider({ issuer: 'https://as.example/o', storage: cache, accounts, secrets: [SECRET] })).toThrow(
        /KV namespace is only a cache/,
      )
    })

    it('declares the capabilities of the Storage it wraps, no more', async () => {
      const { storage, inner } = await wrapped(makeCache, makeStorage)
      expect(storage.capabilities).toEqual(inner.capabilities)
      const overNonAtomic = cachedStorage(nonAtomicStorage(), await makeCache())
      expect(overNonAtomic.capabilities.atomicConsume).toBe(false)
      const accounts = testAccounts([]).accounts
      expect(() => createProvider({ issuer: 'https://as.example/o', storage: overNonAtomic, accounts, secrets: [SECRET] })).toThrow(
        expect.objectContaining({ code: 'ERR_STORAGE_NOT_ATOMIC' }),
      )
    })

    it('offers every method of the Storage it wraps, optional ones included', async () => {
      const { storage, inner } = await wrapped(makeCache, makeStorage)
      const methods = (target: object) => Object.keys(target).filter((key) => typeof Reflect.get(target, key) === 'function')
      const innerMethods = new Set([...methods(inner), ...methods(Object.getPrototypeOf(inner) ?? {})])
      for (const name of innerMethods) expect(typeof Reflect.get(storage, name), name).toBe('function')
    })

    it('refuses a cache where the Storage belongs', async () => {
      const cache = (await makeCache()) as unknown as Parameters<typeof cachedStorage>[0]
      expect(() => cachedStorage(cache, memoryStorage() as unknown as ReadCache)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }),
      )
    })
  })

  describe('cachedStorage: clients', () => {
    it('answers a client from the cache once it was read', async () => {
      const { storage, calls } = await wrapped(makeCache, makeStorage)
      const client = makeClient()
      await storage.putClient(client)
      expect(await storage.getClient(client.client_id)).toEqual(client)
      expect(await storage.getClient(client.client_id)).toEqual(client)
      expect(calls('getClient')).toBe(1)
    })

    it('does not cache an unknown client', async () => {
      const { storage, calls } = await wrapped(makeCache, makeStorage)
      expect(await storage.getClient('no-such-client')).toBeNull()
      expect(await storage.getClient('no-such-client')).toBeNull()
      expect(calls('getClient')).toBe(2)
    })

    it('putClient and deleteClient remove the cached copy', async () => {
      const { storage } = await wrapped(makeCache, makeStorage)
      const client = makeClient()
      await storage.putClient(client)
      await storage.getClient(client.client_id)
      await storage.putClient({ ...client, client_name: 'Renamed' })
      expect((await storage.getClient(client.client_id))?.client_name).toBe('Renamed')
      await storage.deleteClient(client.client_id, T)
      expect(await storage.getClient(client.client_id)).toBeNull()
    })

    it('goes on with the Storage when the cache fails, and reports it', async () => {
      const errors: unknown[] = []
      const inner = await makeStorage()
      const storage = cachedStorage(inner, failingCache(), {
        accessTokens: { maxStaleSeconds: 60 },
        onError: (error) => errors.push(error),
      })
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      expect(await storage.getClient(grant.client.client_id)).toEqual(grant.client)
      expect((await storage.findAccessToken(pair.access.hash, T + 1))?.token).toEqual(pair.access)
      await storage.revokeAccessToken(pair.access.hash, T + 2)
      expect(await storage.findAccessToken(pair.access.hash, T + 3)).toBeNull()
      expect(errors.length).toBeGreaterThan(0)
    })

    it('hands cache fills, and nothing else, to defer (Workers waitUntil)', async () => {
      const deferred: Promise<unknown>[] = []
      const { storage, calls } = await wrapped(makeCache, makeStorage, { defer: (work) => deferred.push(work) })
      const grant = await seedGrant(storage)
      expect(deferred).toHaveLength(0)
      await storage.getClient(grant.client.client_id)
      expect(deferred).toHaveLength(1)
      await Promise.all(deferred)
      await storage.getClient(grant.client.client_id)
      expect(calls('getClient')).toBe(1)
      await issuePair(storage, grant)
      await storage.revokeFamily(grant.family.id, T + 1)
      expect(deferred).toHaveLength(1)
    })
  })

  describe('cachedStorage: tokens and decisions', () => {
    it('without accessTokens every access-token read reaches the Storage', async () => {
      const { storage, calls } = await wrapped(makeCache, makeStorage)
      const pair = await issuePair(storage, await seedGrant(storage))
      await storage.findAccessToken(pair.access.hash, T + 1)
      await storage.findAccessToken(pair.access.hash, T + 2)
      expect(calls('findAccessToken')).toBe(2)
    })

    it('with accessTokens, a bearer read is answered from the cache; a consistent read never is', async () => {
      const { storage, calls } = await wrapped(makeCache, makeStorage, { accessTokens: { maxStaleSeconds: 120 } })
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      const expected = { token: pair.access, family: grant.family }
      expect(await storage.findAccessToken(pair.access.hash, T + 1)).toEqual(expected)
      expect(await storage.findAccessToken(pair.access.hash, T + 2)).toEqual(expected)
      expect(calls('findAccessToken')).toBe(1)
      await storage.revokeFamily(grant.family.id, T + 3)
      expect(await storage.findAccessToken(pair.access.hash, T + 4, { consistent: true })).toBeNull()
      expect(calls('findAccessToken')).toBe(2)
    })

    it('a cached token is never older than maxStaleSeconds, nor answered past its expiry', async () => {
      const { storage } = await wrapped(makeCache, makeStorage, { accessTokens: { maxStaleSeconds: 120 } })
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant, T, { access: { expires_at: T + 600 } })
      await storage.findAccessToken(pair.access.hash, T + 1)
      await storage.revokeFamily(grant.family.id, T + 2)
      expect(await storage.findAccessToken(pair.access.hash, T + 1 + 120)).toBeNull()
      const later = await issuePair(storage, await seedGrant(storage), T, { access: { expires_at: T + 60 } })
      await storage.findAccessToken(later.access.hash, T + 30)
      expect(await storage.findAccessToken(later.access.hash, T + 60)).toBeNull()
    })

    it("RFC 9700 §4.14: revoking a user reaches the Storage; the user's cached token lasts no longer than maxStaleSeconds", async () => {
      const { storage, calls } = await wrapped(makeCache, makeStorage, { accessTokens: { maxStaleSeconds: 120 } })
      const grant = await seedGrant(storage, { consent: { sub: 'alice' } })
      const pair = await issuePair(storage, grant, T, { access: { expires_at: T + 600 } })
      await storage.findAccessToken(pair.access.hash, T + 1)
      await storage.revokeSubject('alice', T + 2)
      expect(calls('revokeSubject')).toBe(1)
      expect(await storage.findAccessToken(pair.access.hash, T + 3, { consistent: true })).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 3)).toBeNull()
      expect(await storage.listConsents('alice')).toEqual([])
      expect(await storage.findAccessToken(pair.access.hash, T + 1 + 120)).toBeNull()
    })

    it('revokeAccessToken removes the cached token', async () => {
      const { storage } = await wrapped(makeCache, makeStorage, { accessTokens: { maxStaleSeconds: 120 } })
      const pair = await issuePair(storage, await seedGrant(storage))
      await storage.findAccessToken(pair.access.hash, T + 1)
      await storage.revokeAccessToken(pair.access.hash, T + 2)
      expect(await storage.findAccessToken(pair.access.hash, T + 3)).toBeNull()
    })

    it('consume, rotation, revocation, refresh reads and every write reach the Storage', async () => {
      const { storage, calls } = await wrapped(makeCache, makeStorage, { accessTokens: { maxStaleSeconds: 120 } })
      const grant = await seedGrant(storage)
      const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
      const code = makeCode({ client_id: grant.client.client_id, family_id: family.id })
      await storage.createCode(code, family)
      expect((await storage.consume('code', code.hash, T + 1)).status).toBe('ok')
      expect((await storage.consume('code', code.hash, T + 2)).status).toBe('reused')
      const pair = await issuePair(storage, grant)
      const next = await issuePair(storage, grant)
      await storage.findRefreshToken(pair.refresh.hash, T + 1)
      await storage.findRefreshToken(pair.refresh.hash, T + 1)
      expect(calls('consume')).toBe(2)
      expect(calls('issueTokens')).toBe(2)
      expect(calls('findRefreshToken')).toBe(2)
      expect(calls('createCode')).toBe(1)
      expect((await storage.rotateRefresh(next.refresh.hash, makePair(grant, T + 5), T + 5, 0)).status).toBe('ok')
      expect(calls('rotateRefresh')).toBe(1)
      expect(await storage.revokeConsent(grant.consent.id, T + 6)).toBe(true)
      expect(calls('revokeConsent')).toBe(1)
      expect(await storage.getFamily(grant.family.id, T + 7)).toBeNull()
    })
  })
}
