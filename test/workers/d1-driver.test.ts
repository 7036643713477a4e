import { env } from 'cloudflare:test'
import { d1Driver } from '@grantline/cloudflare'
import { ConfigError, type Consumables, type ConsumeResult } from '@grantline/core'
import { migrate } from '@grantline/sql'
import { raceConsume } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { countRows, d1Storage } from './support.js'

describe('d1Driver on a real D1 binding', () => {
  it('first() answers a row or null; run() counts changed rows in meta.changes', async () => {
    await d1Storage()
    const driver = d1Driver(env.DB)
    expect(await driver.prepare('SELECT client_id FROM clients WHERE client_id = ?').bind('none').first()).toBeNull()
    const insert = driver.prepare("INSERT INTO consents (id, sub, client_id, scopes, created_at) VALUES (?, 'u', 'c', '[]', 1)")
    expect((await insert.bind('a').run()).meta.changes).toBe(1)
    expect((await insert.bind('b').run()).meta.changes).toBe(1)
    expect((await driver.prepare('UPDATE consents SET revoked_at = 2').run()).meta.changes).toBe(2)
    expect(await driver.prepare('SELECT id FROM consents WHERE id = ?').bind('a').first()).toEqual({ id: 'a' })
  })

  it('batch() is one transaction: a failing statement undoes the ones before it', async () => {
    await d1Storage()
    const driver = d1Driver(env.DB)
    const insert = driver.prepare("INSERT INTO consents (id, sub, client_id, scopes, created_at) VALUES (?, 'u', 'c', '[]', 1)")
    await expect(driver.batch([insert.bind('x'), insert.bind('y'), insert.bind('x')])).rejects.toThrow()
    expect(await countRows('consents')).toBe(0)
    const results = await driver.batch([insert.bind('x'), insert.bind('y')])
    expect(results.map((result) => result.meta.changes)).toEqual([1, 1])
  })

  it('refuses a read-replication session, and anything that is not a D1 binding', () => {
    expect(() => d1Driver(env.DB.withSession('first-primary'))).toThrow(expect.objectContaining({ code: 'ERR_D1_SESSION' }))
    expect(() => d1Driver(env.CACHE as never)).toThrow(ConfigError)
  })

  it('never migrates at run time: migrate() refuses it (wrangler applies the migrations)', async () => {
    await expect(migrate(d1Driver(env.DB), 'sqlite')).rejects.toMatchObject({ code: 'ERR_SQL_DRIVER_NO_EXEC' })
  })

  it('the consume race can fail on D1: a read-then-write consume lets several requests win', async () => {
    const storage = await d1Storage()
    const driver = d1Driver(env.DB)
    // What the design forbids: read, decide in JavaScript, then write.
    const naive = {
      ...storage,
      async consume<K extends keyof Consumables>(_kind: K, key: string, now: number): Promise<ConsumeResult<Consumables[K]>> {
        const row = await driver.prepare('SELECT consumed_at FROM codes WHERE hash = ?').bind(key).first<{ consumed_at: number | null }>()
        if (!row || row.consumed_at !== null) return { status: 'absent' }
        await driver.prepare('UPDATE codes SET consumed_at = ? WHERE hash = ?').bind(now, key).run()
        return { status: 'ok', record: {} as Consumables[K] }
      },
    }
    expect(await raceConsume(naive, 'code', 20)).toBeGreaterThan(1)
    expect(await raceConsume(storage, 'code', 20)).toBe(1)
  })
})
