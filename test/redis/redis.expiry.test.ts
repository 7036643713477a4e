import {
  FIXTURE_TIME,
  issuePair,
  makeCode,
  makeFamily,
  makeInitialAccessToken,
  makeInteraction,
  makePair,
  seedGrant,
} from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { redisStorage } from '../../examples/redis-storage/src/index.js'
import { prefixes } from './support.js'

// What the conformance suite cannot see from outside: the keys the example leaves in Redis.
const T = FIXTURE_TIME
const HOUR = 3600
const keys = prefixes()
const client = await keys.connect()

/** Every key under `prefix`, without it, sorted. */
async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = []
  for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) found.push(...batch)
  return found.map((k) => k.slice(prefix.length)).sort()
}

describe('examples/redis-storage: expiry in Redis and index hygiene', () => {
  it('Redis drops token and single-use rows by itself an hour after their own lifetime; families, consents and clients never', async () => {
    const prefix = keys.fresh()
    const storage = redisStorage(client, { prefix })
    const grant = await seedGrant(storage)
    const pair = await issuePair(storage, grant, T, { access: { expires_at: T + HOUR }, refresh: { expires_at: T + 14 * 86_400 } })
    const code = makeCode({ family_id: grant.family.id, client_id: grant.client.client_id, created_at: T, expires_at: T + 600 })
    await storage.createCode(code, makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id }))
    await storage.consume('code', code.hash, T + 1)
    const ttl = async (name: string) => client.ttl(`${prefix}${name}`)
    // Durations from the record's own times: the fixtures live in 2023, so an absolute expiry would have dropped them.
    expect(await ttl(`access:${pair.access.hash}`)).toBeGreaterThan(2 * HOUR - 60)
    expect(await ttl(`access:${pair.access.hash}`)).toBeLessThanOrEqual(2 * HOUR)
    expect(await ttl(`refresh:${pair.refresh.hash}`)).toBeGreaterThan(14 * 86_400 + HOUR - 60)
    expect(await ttl(`code:${code.hash}`)).toBeGreaterThan(600 + HOUR - 60)
    for (const name of [`family:${grant.family.id}`, `consent:${grant.consent.id}`, `client:${grant.client.client_id}`]) {
      expect(await ttl(name), name).toBe(-1)
    }
  })

  it('cleanup past every expiry leaves only the client: no row or index entry of a token, code, interaction, counter or revoked consent stays', async () => {
    const prefix = keys.fresh()
    const storage = redisStorage(client, { prefix })
    const grant = await seedGrant(storage)
    const old = await issuePair(storage, grant)
    await storage.rotateRefresh(old.refresh.hash, makePair(grant, T + 10), T + 10, 0)
    const code = makeCode({ family_id: grant.family.id, client_id: grant.client.client_id })
    await storage.createCode(code, makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id }))
    await storage.consume('code', code.hash, T + 1)
    await storage.createInteraction(makeInteraction({ client_id: grant.client.client_id }))
    await storage.createInitialAccessToken(makeInitialAccessToken())
    await storage.hit?.('login:1.2.3.4', T, 60)
    await storage.revokeConsent(grant.consent.id, T + 20)
    expect(await storage.cleanup(T + 400 * 86_400)).toBeGreaterThanOrEqual(10)
    expect(await keysUnder(prefix)).toEqual(['clients', `client:${grant.client.client_id}`].sort())
  })

  it('after SCRIPT FLUSH (a restart or a failover) the scripts load again: EVALSHA falls back to EVAL', async () => {
    const storage = redisStorage(client, { prefix: keys.fresh() })
    const grant = await seedGrant(storage)
    const pair = await issuePair(storage, grant)
    await client.scriptFlush()
    expect((await storage.findAccessToken(pair.access.hash, T + 1))?.token).toEqual(pair.access)
    expect((await storage.rotateRefresh(pair.refresh.hash, makePair(grant, T + 2), T + 2, 0)).status).toBe('ok')
  })
})
