import type { Consumables, Storage } from '@grantline/core'
import {
  FIXTURE_TIME,
  issuePair,
  makeCode,
  makeFamily,
  makeInitialAccessToken,
  makeInteraction,
  makePair,
  makePushedRequest,
  randomHash,
  randomId,
  seedGrant,
  type TokenPair,
} from '@grantline/testing'
import type { RedisClientType } from 'redis'
import { beforeAll, describe, expect, it } from 'vitest'
import { redisStorage } from '../../examples/redis-storage/src/index.js'
import { race } from './barrier.js'
import { prefixes } from './support.js'

// Races that can fail: N connections of their own, each request held inside Redis by a barrier
// until all N are there. One connection would pipeline its requests, which proves less.
const N = 10
const NOW = FIXTURE_TIME + 10
const NAME = `grantline-race-${crypto.randomUUID().slice(0, 8)}`

const keys = prefixes()
let control: RedisClientType
let connections: RedisClientType[]

beforeAll(async () => {
  control = await keys.connect()
  connections = await Promise.all(Array.from({ length: N }, () => keys.connect(NAME)))
})

const count = (statuses: string[], status: string) => statuses.filter((s) => s === status).length

/** A store per connection, all on one fresh prefix, plus one for seeding and reading back. */
async function stores(): Promise<{ storage: Storage; racers: Storage[] }> {
  const prefix = keys.fresh()
  const racers = connections.map((c) => redisStorage(c, { prefix }))
  const storage = redisStorage(control, { prefix })
  // Every script cached by the server before the barrier, so no request falls back to EVAL in it.
  await storage.consume('code', 'warm-up', NOW)
  await storage.rotateRefresh('warm-up', makePair(await seedGrant(storage)), NOW, 0)
  await storage.addSigningKey(
    { kid: 'warm-up', alg: 'ES256', public_jwk: {}, private_jwe: '', created_at: 0, activate_at: 0 },
    { ifNone: true },
  )
  await storage.hit?.('warm-up', NOW, 60)
  await storage.remember?.('warm-up', 'warm-up', NOW, NOW)
  return { storage, racers }
}

/** Stores one record of `kind` and answers its consume key. */
async function storeConsumable(storage: Storage, kind: keyof Consumables): Promise<string> {
  const grant = await seedGrant(storage)
  if (kind === 'pushed_request') {
    const request = makePushedRequest({ client_id: grant.client.client_id })
    await storage.createPushedRequest(request)
    return request.hash
  }
  if (kind === 'initial_access_token') {
    const token = makeInitialAccessToken()
    await storage.createInitialAccessToken(token)
    return token.hash
  }
  if (kind === 'interaction') {
    const interaction = makeInteraction({ client_id: grant.client.client_id })
    await storage.createInteraction(interaction)
    return interaction.id
  }
  const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
  const code = makeCode({ family_id: family.id, client_id: grant.client.client_id })
  await storage.createCode(code, family)
  return code.hash
}

/** Which of `nexts` were stored live. */
async function stored(storage: Storage, nexts: TokenPair[], now: number) {
  const refresh = await Promise.all(nexts.map((next) => storage.findRefreshToken(next.refresh.hash, now)))
  const access = await Promise.all(nexts.map((next) => storage.findAccessToken(next.access.hash, now)))
  return { refresh: refresh.filter((t) => t !== null), access: access.filter((t) => t !== null) }
}

describe(`examples/redis-storage: ${N} requests on ${N} connections, all held in Redis before any runs`, () => {
  it('the barrier lets a read-modify-write consume win more than once (the race can fail)', { timeout: 30_000 }, async () => {
    const prefix = keys.fresh()
    const key = `${prefix}naive`
    await control.hSet(key, 'expires_at', String(NOW + 60))
    const statuses = await race(
      control,
      NAME,
      connections.map((c) => async () => {
        if ((await c.hGet(key, 'consumed_at')) !== null) return 'reused'
        await c.hSet(key, 'consumed_at', String(NOW))
        return 'ok'
      }),
    )
    expect(count(statuses, 'ok')).toBeGreaterThan(1)
  })

  for (const kind of ['code', 'interaction', 'initial_access_token', 'pushed_request'] as const) {
    it(`a ${kind} is consumed exactly once; every other presentation sees the tombstone (RFC 6749 §4.1.2, RFC 7591 §3, RFC 9126 §4)`, {
      timeout: 30_000,
    }, async () => {
      const { storage, racers } = await stores()
      const key = await storeConsumable(storage, kind)
      const results = await race(
        control,
        NAME,
        racers.map((s) => () => s.consume(kind, key, NOW)),
      )
      const statuses = results.map((r) => r.status)
      expect(count(statuses, 'ok'), statuses.join()).toBe(1)
      expect(count(statuses, 'reused')).toBe(N - 1)
    })
  }

  it('a refresh token rotated concurrently yields exactly one successor (RFC 9700 §4.14.2)', { timeout: 30_000 }, async () => {
    const { storage, racers } = await stores()
    const grant = await seedGrant(storage)
    const old = await issuePair(storage, grant)
    const nexts = racers.map(() => makePair(grant, NOW))
    const results = await race(
      control,
      NAME,
      racers.map((s, i) => () => s.rotateRefresh(old.refresh.hash, nexts[i]!, NOW, 0)),
    )
    const statuses = results.map((r) => r.status)
    expect(count(statuses, 'ok'), statuses.join()).toBe(1)
    expect(count(statuses, 'reused')).toBe(N - 1)
    const live = await stored(storage, nexts, NOW)
    expect(live.refresh).toHaveLength(1)
    expect(live.access).toHaveLength(1)
    expect((await storage.findRefreshToken(old.refresh.hash, NOW))?.token.successor_hash).toBe(live.refresh[0]?.token.hash)
  })

  it('concurrent rotations inside the grace window move the chain, never fork it (RFC 9700 §4.14.2)', { timeout: 30_000 }, async () => {
    const { storage, racers } = await stores()
    const grant = await seedGrant(storage)
    const old = await issuePair(storage, grant)
    await storage.rotateRefresh(old.refresh.hash, makePair(grant, NOW), NOW, 30)
    const nexts = racers.map(() => makePair(grant, NOW + 1))
    await race(
      control,
      NAME,
      racers.map((s, i) => () => s.rotateRefresh(old.refresh.hash, nexts[i]!, NOW + 1, 30)),
    )
    const live = await stored(storage, nexts, NOW + 1)
    expect(live.refresh).toHaveLength(1)
    expect(live.access).toHaveLength(1)
    expect((await storage.findRefreshToken(old.refresh.hash, NOW + 1))?.token.successor_hash).toBe(live.refresh[0]?.token.hash)
  })

  it('instances creating the first signing key at once: exactly one wins', { timeout: 30_000 }, async () => {
    const prefix = keys.fresh()
    const racers = connections.map((c) => redisStorage(c, { prefix }))
    const key = () => {
      const kid = randomId('kid')
      return { kid, alg: 'ES256', public_jwk: { kty: 'EC', kid }, private_jwe: `jwe.${kid}`, created_at: NOW, activate_at: NOW }
    }
    const results = await race(
      control,
      NAME,
      racers.map((s) => () => s.addSigningKey(key(), { ifNone: true })),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await redisStorage(control, { prefix }).listSigningKeys()).toHaveLength(1)
  })

  it('RFC 9449 §11.1: one single-use value remembered by every connection at once is accepted exactly once', {
    timeout: 30_000,
  }, async () => {
    const { racers } = await stores()
    const key = randomHash()
    const results = await race(
      control,
      NAME,
      racers.map((s) => () => s.remember!('dpop', key, NOW + 60, NOW)),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('concurrent rate-limit hits all count, each answer including its own', { timeout: 30_000 }, async () => {
    const { storage, racers } = await stores()
    const results = await race(
      control,
      NAME,
      racers.map((s) => () => s.hit!('rl', NOW, 60)),
    )
    expect(results.map((r) => r.current).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1))
    expect(await storage.countHits?.('rl', NOW, 60)).toEqual({ current: N, previous: 0 })
  })
})
