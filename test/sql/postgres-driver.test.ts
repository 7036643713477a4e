import { describe, expect, it } from 'vitest'
import { postgresSchema } from './support/postgres.js'

const pg = await postgresSchema()

/** Ends, as an administrator or a failover would, the backends running a statement that holds `marker`. */
async function terminateBackendsRunning(marker: string): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const row = await pg.admin
      .prepare(
        "SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE query LIKE ? AND query NOT LIKE '%pg_stat_activity%'",
      )
      .bind(`%${marker}%`)
      .first<{ n: number }>()
    if (row?.n) return row.n
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`no backend ran ${marker}`)
}

describe('postgres driver: connections the server ends, and transactions that failed inside', () => {
  it('a batch whose backend is terminated fails alone; the pool opens another connection and goes on', async () => {
    const driver = pg.open(2)
    await driver.exec?.('CREATE TABLE lost (k TEXT PRIMARY KEY)')
    const marker = `marker_${crypto.randomUUID().replaceAll('-', '')}`
    const insert = driver.prepare('INSERT INTO lost (k) VALUES (?)')
    const batch = driver.batch([insert.bind('a'), driver.prepare(`SELECT pg_sleep(5) AS ${marker}`), insert.bind('b')])
    expect(await terminateBackendsRunning(marker)).toBe(1)
    await expect(batch).rejects.toThrow()
    // Every connection of the pool is used again, and a batch commits: the process is still here.
    for (let i = 0; i < 6; i++) expect(await driver.prepare('SELECT 1 AS one').first()).toEqual({ one: 1 })
    await driver.batch([insert.bind('c'), insert.bind('d')])
    expect((await driver.prepare('SELECT k FROM lost ORDER BY k').all()).results).toEqual([{ k: 'c' }, { k: 'd' }])
  })

  it('a transaction() whose backend is terminated rejects, and the pool goes on', async () => {
    const driver = pg.open(1)
    const marker = `marker_${crypto.randomUUID().replaceAll('-', '')}`
    const work = driver.transaction?.(async (tx) => tx.prepare(`SELECT pg_sleep(5) AS ${marker}`).first())
    expect(await terminateBackendsRunning(marker)).toBe(1)
    await expect(work).rejects.toThrow()
    // The `postgres` package answers the first query on the reopened connection with the error
    // that ended the old one (once); the process is still here, and the query after it succeeds.
    await driver
      .prepare('SELECT 1 AS one')
      .first()
      .catch(() => undefined)
    expect(await driver.prepare('SELECT 1 AS one').first()).toEqual({ one: 1 })
  })

  it('a transaction() in which a statement failed is refused at its end, though its work caught the failure', async () => {
    const driver = pg.open(1)
    await driver.exec?.('CREATE TABLE caught (k TEXT PRIMARY KEY)')
    const insert = driver.prepare('INSERT INTO caught (k) VALUES (?)')
    await insert.bind('x').run()
    const work = driver.transaction?.(async (tx) => {
      await tx.prepare('INSERT INTO caught (k) VALUES (?)').bind('y').run()
      await tx
        .prepare('INSERT INTO caught (k) VALUES (?)')
        .bind('x')
        .run()
        .catch(() => {})
      return 'done'
    })
    await expect(work).rejects.toThrow(/rolled back/)
    expect((await driver.prepare('SELECT k FROM caught ORDER BY k').all()).results).toEqual([{ k: 'x' }])
  })
})
