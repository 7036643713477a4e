// Run by `bun test` (test/runtimes/in-runtime.test.ts): bunSqliteDriver checkpoints the WAL from a
// worker thread, as sqliteDriver of @grantline/node does (test/sql/wal-checkpointer.test.ts).
import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bunSqliteDriver } from '@grantline/bun'
import { walReachesFile } from '../../sql/support/wal-fill.js'

const folder = mkdtempSync(join(tmpdir(), 'grantline-bun-wal-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

describe('bunSqliteDriver: the WAL is checkpointed by a worker thread, not by commits', () => {
  it('pages committed to the WAL reach the database file without a checkpoint in the serving connection', async () => {
    const path = join(folder, 'wal.sqlite')
    const driver = bunSqliteDriver(path)
    expect(await walReachesFile(driver, path, 1_000_001)).toBeGreaterThan(1_000_000)
    await driver.close?.()
    // The last connection closed (the worker's first): the WAL is folded in and removed.
    expect(existsSync(`${path}-wal`)).toBe(false)
  })
})
