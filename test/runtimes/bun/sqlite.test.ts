// Run by `bun test` (see test/runtimes/in-runtime.test.ts): the Storage and AccountStore
// contracts on @grantline/sql over bun:sqlite, inside Bun, each test on a fresh migrated file.
import { afterAll, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bunSqliteDriver } from '@grantline/bun'
import { migrate, type SqlDriver, sqlAccountStore, sqlStorage } from '@grantline/sql'
import { accountStoreConformance, storageConformance } from '@grantline/testing/portable'

const folder = mkdtempSync(join(tmpdir(), 'grantline-bun-sqlite-'))
const drivers: SqlDriver[] = []
let count = 0

async function freshDriver(): Promise<SqlDriver> {
  const driver = bunSqliteDriver(join(folder, `db-${++count}.sqlite`))
  drivers.push(driver)
  await migrate(driver, 'sqlite')
  return driver
}

afterAll(async () => {
  for (const driver of drivers) await driver.close?.()
  rmSync(folder, { recursive: true, force: true })
})

const t = { describe, it, expect }
storageConformance(t, 'bun:sqlite', async () => sqlStorage(await freshDriver(), { dialect: 'sqlite' }))
accountStoreConformance(t, 'bun:sqlite', async () => sqlAccountStore(await freshDriver()))

describe('bunSqliteDriver', () => {
  it('a new database file is readable by its owner only (0600)', async () => {
    const driver = await freshDriver()
    expect(statSync(join(folder, `db-${count}.sqlite`)).mode & 0o777).toBe(0o600)
    expect(driver).toBeDefined()
  })
})
