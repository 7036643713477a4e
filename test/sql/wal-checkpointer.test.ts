import { existsSync } from 'node:fs'
import { sqliteDriver } from '@grantline/node'
import { describe, expect, it } from 'vitest'
import { sqliteFiles } from './support/sqlite.js'
import { walReachesFile } from './support/wal-fill.js'

const files = sqliteFiles()

describe('sqliteDriver: the WAL is checkpointed by a worker thread, not by commits', () => {
  it('pages committed to the WAL reach the database file without a checkpoint in the serving connection', async () => {
    const path = files.path()
    const driver = sqliteDriver(path)
    expect(await walReachesFile(driver, path, 1_000_001)).toBeGreaterThan(1_000_000)
    await driver.close?.()
    // The last connection closed (the worker's first): the WAL is folded in and removed.
    expect(existsSync(`${path}-wal`)).toBe(false)
  })
})
