import { existsSync, statSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { sqliteDriver } from '@grantline/node'
import { describe, expect, it } from 'vitest'
import { sqliteFiles } from './support/sqlite.js'

const files = sqliteFiles()

describe('sqliteDriver: the WAL is checkpointed by a worker thread, not by commits', () => {
  it('pages committed to the WAL reach the database file without a checkpoint in the serving connection', async () => {
    const path = files.path()
    const driver = sqliteDriver(path)
    await driver.exec?.('CREATE TABLE scratch (k INTEGER PRIMARY KEY, v TEXT NOT NULL)')
    const before = statSync(path).size
    // About 500 pages: under SQLite's own automatic checkpoint (1,000), so only the worker moves them.
    const insert = driver.prepare('INSERT INTO scratch (k, v) VALUES (?, ?)')
    await Promise.all(Array.from({ length: 2000 }, (_, k) => insert.bind(k, 'x'.repeat(900)).run()))
    let size = before
    for (let tries = 0; tries < 100 && size === before; tries++) {
      await sleep(50)
      size = statSync(path).size
    }
    expect(size).toBeGreaterThan(before + 1_000_000)
    await driver.close?.()
    // The last connection closed (the worker's first): the WAL is folded in and removed.
    expect(existsSync(`${path}-wal`)).toBe(false)
  })
})
