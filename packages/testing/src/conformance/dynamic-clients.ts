import type { Storage } from '@grantline/core'
import { FIXTURE_TIME, makeClient, makeConsent, makeDynamicClient, makeFamily, makeInitialAccessToken, randomHash } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import type { MakeStorage } from './seed.js'

const T = FIXTURE_TIME
const DAY = 86_400
const IDLE = { unusedDynamicClientSeconds: 30 * DAY }
const NOW = T + 31 * DAY

/** A dynamic client made at `createdAt`, with a consent of user-1 and, when given, one family. */
async function seedDynamic(storage: Storage, createdAt = T, family?: { created_at: number; expires_at: number; revoked_at?: number }) {
  const client = makeDynamicClient({ created_at: createdAt })
  const consent = makeConsent({ client_id: client.client_id, created_at: createdAt })
  await storage.putClient(client)
  await storage.putConsent(consent)
  if (family) await storage.createFamily(makeFamily({ client_id: client.client_id, consent_id: consent.id, revoked_at: null, ...family }))
  return { client, consent }
}

/** Dynamic client registration records (RFC 7591, RFC 7592) and their lifecycle. */
export function describeDynamicClients(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('dynamic clients (RFC 7591, RFC 7592)', () => {
    it('a dynamic client round-trips with its metadata and registration token hash (RFC 7591 §2, RFC 7592 §3)', async () => {
      const storage = await makeStorage()
      const client = makeDynamicClient()
      await storage.putClient(client)
      expect(await storage.getClient(client.client_id)).toEqual(client)
      expect((await storage.listClients()).map((c) => c.dynamic)).toEqual([true])
      const rotated = { ...client, registration_token_hash: randomHash(), metadata: { client_uri: 'https://rp.example/v2' } }
      await storage.putClient(rotated)
      expect(await storage.getClient(client.client_id)).toEqual(rotated)
    })

    it('a client registered by the operator is not dynamic and has no registration token', async () => {
      const storage = await makeStorage()
      const client = makeClient()
      await storage.putClient(client)
      const got = await storage.getClient(client.client_id)
      expect([got?.dynamic, got?.metadata, got?.registration_token_hash]).toEqual([false, {}, null])
    })

    it('getInitialAccessToken returns an unexpired, unconsumed token and null otherwise (RFC 7591 §3)', async () => {
      const storage = await makeStorage()
      const token = makeInitialAccessToken({ expires_at: T + 100 })
      await storage.createInitialAccessToken(token)
      expect(await storage.getInitialAccessToken(token.hash, T + 99)).toEqual(token)
      expect(await storage.getInitialAccessToken(token.hash, T + 100)).toBeNull()
      expect(await storage.getInitialAccessToken(randomHash(), T + 1)).toBeNull()
      await storage.consume('initial_access_token', token.hash, T + 5)
      expect(await storage.getInitialAccessToken(token.hash, T + 6)).toBeNull()
    })

    it('cleanup removes expired initial access tokens and keeps a consumed one until it expires', async () => {
      const storage = await makeStorage()
      const expired = makeInitialAccessToken({ expires_at: T + 10 })
      const used = makeInitialAccessToken({ expires_at: T + 1000 })
      await storage.createInitialAccessToken(expired)
      await storage.createInitialAccessToken(used)
      await storage.consume('initial_access_token', used.hash, T + 5)
      expect(await storage.cleanup(T + 100)).toBeGreaterThanOrEqual(1)
      expect((await storage.consume('initial_access_token', used.hash, T + 100)).status).toBe('reused')
      expect(await storage.consume('initial_access_token', expired.hash, T + 100)).toEqual({ status: 'absent' })
    })

    it('cleanup removes a dynamic client unused for unusedDynamicClientSeconds, and revokes its consents', async () => {
      const storage = await makeStorage()
      const idle = await seedDynamic(storage)
      const ended = await seedDynamic(storage, T, { created_at: T, expires_at: T + 10 * DAY })
      const revoked = await seedDynamic(storage, T, { created_at: T + DAY, expires_at: T + 90 * DAY, revoked_at: T + 2 * DAY })
      expect(await storage.cleanup(NOW, 10_000, IDLE)).toBeGreaterThanOrEqual(3)
      for (const { client, consent } of [idle, ended, revoked]) {
        expect(await storage.getClient(client.client_id)).toBeNull()
        expect(await storage.findConsent(consent.sub, client.client_id)).toBeNull()
      }
    })

    it('cleanup keeps a dynamic client with a recent or a live family, a recent one, and every operator client', async () => {
      const storage = await makeStorage()
      const recentFamily = await seedDynamic(storage, T, { created_at: T + 20 * DAY, expires_at: T + 21 * DAY, revoked_at: T + 20 * DAY })
      const liveFamily = await seedDynamic(storage, T, { created_at: T, expires_at: T + 90 * DAY })
      const young = await seedDynamic(storage, T + 10 * DAY)
      const operator = makeClient({ created_at: T })
      await storage.putClient(operator)
      await storage.cleanup(NOW, 10_000, IDLE)
      for (const { client, consent } of [recentFamily, liveFamily, young]) {
        expect(await storage.getClient(client.client_id)).toEqual(client)
        expect(await storage.findConsent(consent.sub, client.client_id)).toEqual(consent)
      }
      expect(await storage.getClient(operator.client_id)).toEqual(operator)
    })

    it('cleanup without unusedDynamicClientSeconds keeps every client', async () => {
      const storage = await makeStorage()
      const { client } = await seedDynamic(storage, T)
      await storage.cleanup(NOW)
      expect(await storage.getClient(client.client_id)).toEqual(client)
    })

    it('cleanup removes at most `limit` unused dynamic clients per call', async () => {
      const storage = await makeStorage()
      for (let i = 0; i < 3; i++) await seedDynamic(storage, T + i)
      expect(await storage.cleanup(NOW, 2, IDLE)).toBeLessThanOrEqual(2)
      let calls = 0
      while ((await storage.cleanup(NOW, 2, IDLE)) > 0 && calls++ < 10) {
        // Until nothing is left.
      }
      expect(await storage.listClients()).toEqual([])
    })
  })
}
