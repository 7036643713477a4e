import type { Storage } from '@grantline/core'
import { type SqlDriver, sqlStorage } from '@grantline/sql'
import { FIXTURE_TIME, makeInteraction } from '@grantline/testing'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresSchema, type PostgresSchema } from './support/postgres.js'
import { raceProcesses, type WorkerOp } from './support/processes.js'
import { makePair, seedCode, seedGrant } from './support/seed.js'
import { sqliteFiles } from './support/sqlite.js'

// Races that can fail: SQLite across OS processes sharing one file, PostgreSQL across a pool of
// connections released together from a lock. An in-process race on a synchronous driver would
// run the requests one after another and prove nothing.
const N = 20
const NOW = FIXTURE_TIME + 10

const count = (statuses: string[], status: string) => statuses.filter((s) => s === status).length
// One process per request: every request of the race is in flight at the barrier.
const spread = (ops: WorkerOp[]) => ops.map((op) => [op])

async function storedSuccessors(storage: Storage, nexts: ReturnType<typeof makePair>[]) {
  const found = await Promise.all(nexts.map((next) => storage.findRefreshToken(next.refresh.hash, NOW)))
  const access = await Promise.all(nexts.map((next) => storage.findAccessToken(next.access.hash, NOW)))
  return { refresh: found.filter((t) => t !== null), access: access.filter((t) => t !== null) }
}

describe(`SQLite: ${N} requests from ${N} processes on one database file, all in flight before any commits`, () => {
  const files = sqliteFiles()
  const open = async () => {
    const { driver, path } = await files.fresh()
    return { path, driver, storage: sqlStorage(driver, { dialect: 'sqlite' }) }
  }

  it('the barrier lets a read-modify-write consume win more than once (the race can fail)', { timeout: 30_000 }, async () => {
    const { path, driver, storage } = await open()
    const code = await seedCode(storage, await seedGrant(storage))
    const ops = Array.from({ length: N }, (): WorkerOp => ({ op: 'naive-consume', kind: 'code', key: code.hash, now: NOW }))
    const statuses = await raceProcesses(path, driver, spread(ops))
    expect(count(statuses, 'ok'), statuses.join()).toBeGreaterThan(1)
  })

  it('a code is redeemed exactly once; every other presentation sees the tombstone (RFC 6749 §4.1.2)', { timeout: 30_000 }, async () => {
    const { path, driver, storage } = await open()
    const code = await seedCode(storage, await seedGrant(storage))
    const ops = Array.from({ length: N }, (): WorkerOp => ({ op: 'consume', kind: 'code', key: code.hash, now: NOW }))
    const statuses = await raceProcesses(path, driver, spread(ops))
    expect(count(statuses, 'ok'), statuses.join()).toBe(1)
    expect(count(statuses, 'reused')).toBe(N - 1)
  })

  it('a consent decision is taken exactly once', { timeout: 30_000 }, async () => {
    const { path, driver, storage } = await open()
    const grant = await seedGrant(storage)
    const interaction = makeInteraction({ client_id: grant.client.client_id })
    await storage.createInteraction(interaction)
    const ops = Array.from({ length: N }, (): WorkerOp => ({ op: 'consume', kind: 'interaction', key: interaction.id, now: NOW }))
    const statuses = await raceProcesses(path, driver, spread(ops))
    expect(count(statuses, 'ok'), statuses.join()).toBe(1)
  })

  it('a refresh token rotated concurrently yields exactly one successor (RFC 9700 §4.14.2)', { timeout: 30_000 }, async () => {
    const { path, driver, storage } = await open()
    const grant = await seedGrant(storage)
    const old = makePair(grant)
    await storage.issueTokens(old)
    const nexts = Array.from({ length: N }, () => makePair(grant, NOW))
    const ops = nexts.map((next): WorkerOp => ({ op: 'rotate', oldHash: old.refresh.hash, next, now: NOW, grace: 0 }))
    const statuses = await raceProcesses(path, driver, spread(ops))
    expect(count(statuses, 'ok'), statuses.join()).toBe(1)
    expect(count(statuses, 'reused')).toBe(N - 1)
    const stored = await storedSuccessors(storage, nexts)
    expect(stored.refresh).toHaveLength(1)
    expect(stored.access).toHaveLength(1)
    expect((await storage.findRefreshToken(old.refresh.hash, NOW))?.token.successor_hash).toBe(stored.refresh[0]?.token.hash)
  })
  it('concurrent rotations inside the grace window move the chain, never fork it', { timeout: 30_000 }, async () => {
    const { path, driver, storage } = await open()
    const grant = await seedGrant(storage)
    const old = makePair(grant)
    await storage.issueTokens(old)
    await storage.rotateRefresh(old.refresh.hash, makePair(grant, NOW), NOW, 30)
    const nexts = Array.from({ length: N }, () => makePair(grant, NOW + 1))
    const ops = nexts.map((next): WorkerOp => ({ op: 'rotate', oldHash: old.refresh.hash, next, now: NOW + 1, grace: 30 }))
    await raceProcesses(path, driver, spread(ops))
    const stored = await storedSuccessors(storage, nexts)
    expect(stored.refresh).toHaveLength(1)
    expect(stored.access).toHaveLength(1)
    expect((await storage.findRefreshToken(old.refresh.hash, NOW + 1))?.token.successor_hash).toBe(stored.refresh[0]?.token.hash)
  })
})

describe(`PostgreSQL: ${N} requests through a pool of ${N} connections, all in flight before any commits`, () => {
  let pg: PostgresSchema
  let driver: SqlDriver
  let storage: Storage
  let blocker: postgres.Sql

  beforeAll(async () => {
    pg = await openPostgresSchema()
    driver = pg.open(N)
    await pg.migrate(driver)
    storage = sqlStorage(driver, { dialect: 'postgres' })
    blocker = postgres(pg.url, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await blocker?.end({ timeout: 5 })
    await pg?.dispose()
  })

  /** Waits until `n` sessions queue for the lock on `table`. */
  async function waiters(table: string, n: number): Promise<void> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const row = await pg.admin
        .prepare('SELECT COUNT(*) AS n FROM pg_locks WHERE NOT granted AND relation = to_regclass(?)')
        .bind(`${pg.schema}.${table}`)
        .first<{ n: number }>()
      if (Number(row?.n) >= n) return
      if (Date.now() > deadline) throw new Error(`only ${row?.n} of ${n} requests reached the barrier on ${table}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  /**
   * The barrier: `table` is locked, the requests start and queue on the lock, and only when all
   * `N` are waiting inside PostgreSQL is the lock released, so they contend for real.
   */
  async function race<T>(table: string, request: () => Promise<T>): Promise<T[]> {
    const { pending } = await blocker.begin(async (tx) => {
      await tx.unsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`)
      const pending = Array.from({ length: N }, request)
      for (const p of pending) p.catch(() => {})
      await waiters(table, N)
      return { pending }
    })
    return Promise.all(pending)
  }

  it('the barrier lets a read-modify-write consume win more than once (the race can fail)', { timeout: 30_000 }, async () => {
    const code = await seedCode(storage, await seedGrant(storage))
    const statuses = await race('codes', async () => {
      const row = await driver
        .prepare('SELECT consumed_at FROM codes WHERE hash = ?')
        .bind(code.hash)
        .first<{ consumed_at: number | null }>()
      if (!row || row.consumed_at !== null) return 'reused'
      await driver.prepare('UPDATE codes SET consumed_at = ? WHERE hash = ?').bind(NOW, code.hash).run()
      return 'ok'
    })
    expect(count(statuses, 'ok')).toBeGreaterThan(1)
  })

  it('a code is redeemed exactly once; every other presentation sees the tombstone (RFC 6749 §4.1.2)', { timeout: 30_000 }, async () => {
    const code = await seedCode(storage, await seedGrant(storage))
    const statuses = (await race('codes', () => storage.consume('code', code.hash, NOW))).map((r) => r.status)
    expect(count(statuses, 'ok'), statuses.join()).toBe(1)
    expect(count(statuses, 'reused')).toBe(N - 1)
  })

  it('a refresh token rotated concurrently yields exactly one successor (RFC 9700 §4.14.2)', { timeout: 30_000 }, async () => {
    const grant = await seedGrant(storage)
    const old = makePair(grant)
    await storage.issueTokens(old)
    const nexts = Array.from({ length: N }, () => makePair(grant, NOW))
    let i = 0
    const statuses = (await race('refresh_tokens', () => storage.rotateRefresh(old.refresh.hash, nexts[i++]!, NOW, 0))).map((r) => r.status)
    expect(count(statuses, 'ok'), statuses.join()).toBe(1)
    expect(count(statuses, 'reused')).toBe(N - 1)
    const stored = await storedSuccessors(storage, nexts)
    expect(stored.refresh).toHaveLength(1)
    expect(stored.access).toHaveLength(1)
  })

  it('concurrent rotations inside the grace window move the chain, never fork it', { timeout: 30_000 }, async () => {
    const grant = await seedGrant(storage)
    const old = makePair(grant)
    await storage.issueTokens(old)
    await storage.rotateRefresh(old.refresh.hash, makePair(grant, NOW), NOW, 30)
    const nexts = Array.from({ length: N }, () => makePair(grant, NOW + 1))
    let i = 0
    await race('refresh_tokens', () => storage.rotateRefresh(old.refresh.hash, nexts[i++]!, NOW + 1, 30))
    const stored = await storedSuccessors(storage, nexts)
    expect(stored.refresh).toHaveLength(1)
    expect(stored.access).toHaveLength(1)
    expect((await storage.findRefreshToken(old.refresh.hash, NOW + 1))?.token.successor_hash).toBe(stored.refresh[0]?.token.hash)
  })

  it('instances creating the first signing key at once: exactly one wins', { timeout: 30_000 }, async () => {
    await driver.exec?.('DELETE FROM signing_keys')
    const key = () => {
      const kid = `kid-${crypto.randomUUID()}`
      return { kid, alg: 'ES256', public_jwk: { kty: 'EC', kid }, private_jwe: `jwe.${kid}`, created_at: NOW, activate_at: NOW }
    }
    const results = await race('signing_keys', () => storage.addSigningKey(key(), { ifNone: true }))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await storage.listSigningKeys()).toHaveLength(1)
  })
})
