import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sqliteDriver } from '@grantline/node'
import { migrate, type SqlDriver } from '@grantline/sql'
import { afterAll } from 'vitest'

/**
 * Fresh SQLite database files in one temporary folder per test file, every driver closed and the
 * folder removed after the file's tests.
 */
export function sqliteFiles() {
  const folder = mkdtempSync(join(tmpdir(), 'grantline-sql-'))
  const drivers: SqlDriver[] = []
  let count = 0
  afterAll(async () => {
    for (const driver of drivers) await driver.close?.()
    rmSync(folder, { recursive: true, force: true })
  })
  return {
    /** A path for a new, empty database file. */
    path: () => join(folder, `db-${++count}.sqlite`),
    /** A driver on `path` (a new file when omitted), closed after the tests. */
    open(path = join(folder, `db-${++count}.sqlite`)): SqlDriver {
      const driver = sqliteDriver(path)
      drivers.push(driver)
      return driver
    },
    /** A driver on a new, migrated database file. */
    async fresh(): Promise<{ driver: SqlDriver; path: string }> {
      const path = join(folder, `db-${++count}.sqlite`)
      const driver = this.open(path)
      await migrate(driver, 'sqlite')
      return { driver, path }
    },
  }
}
