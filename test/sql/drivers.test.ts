import type { SqlDriver } from '@grantline/sql'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { toPostgresPlaceholders } from '../../adapters/node/src/postgres-sql.js'
import { postgresSchema } from './support/postgres.js'
import { sqliteFiles } from './support/sqlite.js'

describe('toPostgresPlaceholders', () => {
  it('numbers bare ? placeholders in order', () => {
    expect(toPostgresPlaceholders('SELECT a FROM t WHERE b = ? AND c > ? LIMIT ?')).toBe('SELECT a FROM t WHERE b = $1 AND c > $2 LIMIT $3')
  })

  it('leaves ? alone inside literals, quoted identifiers, comments and dollar quotes', () => {
    const text = `SELECT 'what?', 'it''s ?', E'esc\\'?', "col?" FROM t -- why?
      WHERE x = ? /* and ? */ AND y = $tag$ ? $tag$ AND z = $$?$$ AND w = ?`
    expect(toPostgresPlaceholders(text)).toBe(
      `SELECT 'what?', 'it''s ?', E'esc\\'?', "col?" FROM t -- why?
      WHERE x = $1 /* and ? */ AND y = $tag$ ? $tag$ AND z = $$?$$ AND w = $2`,
    )
  })
})

const pg = await postgresSchema()
const files = sqliteFiles()

/** The driver contract (D1's shape) that sqlStorage relies on, for each driver. */
function describeDriver(name: string, open: () => Promise<SqlDriver>) {
  describe(`${name} driver`, () => {
    it('first, all and run answer in D1 shapes; ? inside a literal is not a placeholder', async () => {
      const driver = await open()
      await driver.exec?.('CREATE TABLE scratch (k TEXT PRIMARY KEY, n BIGINT NOT NULL)')
      const insert = driver.prepare('INSERT INTO scratch (k, n) VALUES (?, ?)')
      expect(await insert.bind('a', 1_700_000_000_123).run()).toEqual({ meta: { changes: 1 } })
      await insert.bind('b', 2).run()
      expect(await driver.prepare("SELECT '?' AS q, n FROM scratch WHERE k = ?").bind('a').first()).toEqual({
        q: '?',
        n: 1_700_000_000_123,
      })
      expect(await driver.prepare('SELECT k FROM scratch WHERE k = ?').bind('zz').first()).toBeNull()
      expect(await driver.prepare('SELECT k FROM scratch ORDER BY k').all()).toEqual({ results: [{ k: 'a' }, { k: 'b' }] })
      expect(await driver.prepare('UPDATE scratch SET n = n + 1').run()).toEqual({ meta: { changes: 2 } })
      expect(await driver.prepare('UPDATE scratch SET n = 0 WHERE k = ? RETURNING k').bind('b').first()).toEqual({ k: 'b' })
    })

    it('bind() returns a new statement and leaves the prepared one reusable', async () => {
      const driver = await open()
      const select = driver.prepare('SELECT CAST(? AS TEXT) AS v')
      const [a, b] = [select.bind('a'), select.bind('b')]
      expect(await Promise.all([a.first(), b.first(), a.first()])).toEqual([{ v: 'a' }, { v: 'b' }, { v: 'a' }])
    })

    it('batch() is one transaction: when a statement fails, none takes effect', async () => {
      const driver = await open()
      await driver.exec?.('CREATE TABLE scratch2 (k TEXT PRIMARY KEY)')
      const insert = driver.prepare('INSERT INTO scratch2 (k) VALUES (?)')
      expect(await driver.batch([insert.bind('x'), insert.bind('y')])).toEqual([{ meta: { changes: 1 } }, { meta: { changes: 1 } }])
      await expect(driver.batch([insert.bind('z'), insert.bind('x')])).rejects.toThrow()
      // A first statement that fails while the later ones were already sent (PostgreSQL pipelines a batch).
      await expect(driver.batch([insert.bind('y'), insert.bind('w'), driver.prepare('SELECT 1')])).rejects.toThrow(/unique|duplicate/i)
      expect((await driver.prepare('SELECT k FROM scratch2 ORDER BY k').all()).results).toEqual([{ k: 'x' }, { k: 'y' }])
    })

    it('batches asked for at once each stay whole: a failing one takes none of its rows, nor another batch’s', async () => {
      const driver = await open()
      await driver.exec?.('CREATE TABLE scratch5 (k TEXT PRIMARY KEY)')
      const insert = driver.prepare('INSERT INTO scratch5 (k) VALUES (?)')
      const outcomes = await Promise.allSettled([
        driver.batch([insert.bind('a1'), insert.bind('a2')]),
        driver.batch([insert.bind('b1'), insert.bind('a1')]),
        driver.batch([insert.bind('c1'), insert.bind('c2')]),
        driver.prepare('SELECT COUNT(*) AS n FROM scratch5').first(),
      ])
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
      const rows = (await driver.prepare('SELECT k FROM scratch5 ORDER BY k').all()).results
      expect(rows).toEqual([{ k: 'a1' }, { k: 'a2' }, { k: 'c1' }, { k: 'c2' }])
    })

    it('transaction() spans awaits: its writes take effect together when it resolves, and none when it throws', async () => {
      const driver = await open()
      await driver.exec?.('CREATE TABLE scratch6 (k TEXT PRIMARY KEY)')
      const count = async () => (await driver.prepare('SELECT COUNT(*) AS n FROM scratch6').first<{ n: number }>())?.n
      const answer = await driver.transaction?.(async (tx) => {
        const insert = tx.prepare('INSERT INTO scratch6 (k) VALUES (?)')
        await insert.bind('a').run()
        await new Promise((resolve) => setTimeout(resolve, 5))
        expect(await tx.batch([insert.bind('b'), insert.bind('c')])).toEqual([{ meta: { changes: 1 } }, { meta: { changes: 1 } }])
        return 'done'
      })
      expect(answer).toBe('done')
      expect(await count()).toBe(3)
      await expect(
        driver.transaction?.(async (tx) => {
          await tx.batch([tx.prepare('INSERT INTO scratch6 (k) VALUES (?)').bind('d')])
          await new Promise((resolve) => setTimeout(resolve, 5))
          await tx.prepare('INSERT INTO scratch6 (k) VALUES (?)').bind('e').run()
          throw new Error('midway')
        }),
      ).rejects.toThrow('midway')
      expect(await count()).toBe(3)
    })

    it('inside transaction(), a failed batch rolls back alone (a savepoint) and the transaction goes on', async () => {
      const driver = await open()
      await driver.exec?.('CREATE TABLE scratch7 (k TEXT PRIMARY KEY)')
      await driver.transaction?.(async (tx) => {
        const insert = tx.prepare('INSERT INTO scratch7 (k) VALUES (?)')
        await tx.batch([insert.bind('a')])
        await expect(tx.batch([insert.bind('b'), insert.bind('a')])).rejects.toThrow()
        await tx.batch([insert.bind('c')])
      })
      expect((await driver.prepare('SELECT k FROM scratch7 ORDER BY k').all()).results).toEqual([{ k: 'a' }, { k: 'c' }])
    })

    it('a failed exec() script rolls back and leaves no transaction open', async () => {
      const driver = await open()
      await expect(driver.exec?.('BEGIN; CREATE TABLE scratch3 (k TEXT); INSERT INTO scratch3 VALUES (1, 2, 3); COMMIT;')).rejects.toThrow()
      await driver.exec?.('BEGIN; CREATE TABLE scratch3 (k TEXT); COMMIT;')
      expect(await driver.prepare('SELECT COUNT(*) AS n FROM scratch3').first()).toEqual({ n: 0 })
    })
  })
}

describeDriver('sqlite', async () => files.open())

describe('sqlite group commit (syncSqliteDriver)', () => {
  it('while another process holds the write lock, the event loop keeps serving and the write commits once it is free', async () => {
    const path = files.path()
    const driver = files.open(path)
    await driver.exec?.('CREATE TABLE scratch5 (k TEXT PRIMARY KEY)')
    const other = new Database(path)
    other.exec("BEGIN IMMEDIATE; INSERT INTO scratch5 VALUES ('other')")
    const write = driver.prepare('INSERT INTO scratch5 (k) VALUES (?)').bind('mine').run()
    let settled = false
    void write.finally(() => {
      settled = true
    })
    // Timers fire and reads answer while the write waits: SQLite's busy handler would block them all.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(settled).toBe(false)
    expect(await driver.prepare('SELECT COUNT(*) AS n FROM scratch5').first()).toEqual({ n: 0 })
    other.exec('COMMIT')
    other.close()
    expect(await write).toEqual({ meta: { changes: 1 } })
    expect((await driver.prepare('SELECT k FROM scratch5 ORDER BY k').all()).results).toEqual([{ k: 'mine' }, { k: 'other' }])
  })

  it('a write asked for while transaction() is open waits for its end, then commits on its own', async () => {
    const driver = files.open()
    await driver.exec?.('CREATE TABLE scratch8 (k TEXT PRIMARY KEY)')
    let outside: Promise<unknown> | undefined
    await expect(
      driver.transaction?.(async (tx) => {
        await tx.prepare('INSERT INTO scratch8 (k) VALUES (?)').bind('inside').run()
        outside = driver.prepare('INSERT INTO scratch8 (k) VALUES (?)').bind('outside').run()
        await new Promise((resolve) => setTimeout(resolve, 5))
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    await outside
    expect((await driver.prepare('SELECT k FROM scratch8').all()).results).toEqual([{ k: 'outside' }])
  })

  it('writes asked for in one tick share a commit, yet one that fails rejects alone and each sees the writes before it', async () => {
    const driver = files.open()
    await driver.exec?.('CREATE TABLE scratch4 (k TEXT PRIMARY KEY, n BIGINT NOT NULL)')
    const insert = driver.prepare('INSERT INTO scratch4 (k, n) VALUES (?, ?)')
    const [a, failed, updated, c] = await Promise.allSettled([
      insert.bind('a', 1).run(),
      driver.batch([insert.bind('b', 1), insert.bind('a', 2)]),
      driver.prepare('UPDATE scratch4 SET n = n + 10 WHERE k = ? RETURNING n').bind('a').first(),
      insert.bind('c', 1).run(),
    ])
    expect([a?.status, failed?.status, updated?.status, c?.status]).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    expect(updated).toEqual({ status: 'fulfilled', value: { n: 11 } })
    // The failed batch's first insert was rolled back with it.
    expect((await driver.prepare('SELECT k, n FROM scratch4 ORDER BY k').all()).results).toEqual([
      { k: 'a', n: 11 },
      { k: 'c', n: 1 },
    ])
  })
})
describeDriver('postgres', async () => {
  // One connection, so a connection left inside a failed transaction would be seen.
  const driver = pg.open(1)
  await driver.exec?.('DROP TABLE IF EXISTS scratch, scratch2, scratch3, scratch5')
  return driver
})
