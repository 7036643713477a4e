import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { AccountStore, Storage } from '@grantline/core'
import { migrate, type SqlDriver, sqlAccountStore, sqlStorage } from '@grantline/sql'
import { postgresDriver } from '../postgres-driver.js'
import { sqliteDriver } from '../sqlite-driver.js'

export interface Database {
  storage: Storage
  accountStore: AccountStore
  dialect: 'sqlite' | 'postgres'
  close(): Promise<void>
}

/** Opens `--db` (a SQLite file path or a postgres:// URL) and applies pending migrations. */
export async function openDatabase(db: string): Promise<Database> {
  const dialect = /^postgres(ql)?:\/\//.test(db) ? 'postgres' : 'sqlite'
  let driver: SqlDriver
  if (dialect === 'postgres') {
    driver = postgresDriver(db)
  } else {
    mkdirSync(dirname(db), { recursive: true })
    driver = sqliteDriver(db)
  }
  await migrate(driver, dialect)
  return {
    storage: sqlStorage(driver, { dialect }),
    accountStore: sqlAccountStore(driver, { dialect }),
    dialect,
    close: async () => {
      await driver.close?.()
    },
  }
}
