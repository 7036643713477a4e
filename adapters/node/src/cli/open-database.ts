import { chmodSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { AccountStore, Storage } from '@grantline/core'
import {
  countCleanup,
  deleteUserWithGrants,
  type ImportWriter,
  importInTransaction,
  migrate,
  type SqlDriver,
  sqlAccountStore,
  sqlStorage,
} from '@grantline/sql'
import { postgresDriver } from '../postgres-driver.js'
import { sqliteDriver } from '../sqlite-driver.js'
import { CliError } from './cli-error.js'

export interface Database {
  storage: Storage
  accountStore: AccountStore
  dialect: 'sqlite' | 'postgres'
  /**
   * Deletes the user `sub` and revokes every consent and family of theirs, in one transaction:
   * the account store and the storage share this database (RFC 9700 §4.14).
   */
  deleteUser(sub: string, now: number): Promise<void>
  /**
   * Runs `fn` in one transaction in which `write` adds records imported from another server
   * (`grantline import-dot`) part by part: all of them take effect, or on any failure none.
   */
  importInTransaction<T>(fn: (write: ImportWriter) => Promise<T>): Promise<T>
  /** About how many rows `provider.cleanup` at `now` (epoch seconds) would remove: the total `tokens clear` shows. */
  countCleanup(now: number): Promise<number>
  /** SQLite: copies the WAL into the database file (PASSIVE: waits for no reader or writer). PostgreSQL: nothing. */
  checkpoint(): Promise<void>
  close(): Promise<void>
}

/** The database as it may be printed: a postgres URL without its password. */
export function describeDatabase(db: string): string {
  if (!URL.canParse(db)) return db
  const url = new URL(db)
  if (url.password) url.password = '***'
  return url.toString()
}

/**
 * A database file that an earlier version created readable by others (0644) becomes the owner's
 * only, with its -wal and -shm files: they hold token, secret and password hashes. New files are
 * created 0600 by sqliteDriver.
 */
function restrictExisting(db: string): void {
  for (const file of [db, `${db}-wal`, `${db}-shm`]) {
    const mode = statSync(file, { throwIfNoEntry: false })?.mode
    if (mode === undefined || (mode & 0o077) === 0) continue
    try {
      chmodSync(file, mode & 0o700)
    } catch (error) {
      process.stderr.write(
        `grantline: warning: ${file} is readable by others and cannot be changed (${(error as NodeJS.ErrnoException).code})\n`,
      )
    }
  }
}

/** Opens `--db` (a SQLite file path or a postgres:// URL) and applies pending migrations. */
export async function openDatabase(db: string): Promise<Database> {
  const dialect = /^postgres(ql)?:\/\//.test(db) ? 'postgres' : 'sqlite'
  let driver: SqlDriver | undefined
  try {
    if (dialect === 'postgres') {
      driver = postgresDriver(db)
    } else {
      // A folder made here is the owner's only; an existing one is the user's and keeps its mode.
      mkdirSync(dirname(db), { recursive: true, mode: 0o700 })
      restrictExisting(db)
      driver = sqliteDriver(db)
    }
    // The first statement is where an unreachable server or an unwritable file shows.
    await migrate(driver, dialect)
  } catch (error) {
    await driver?.close?.().catch(() => {})
    throw new CliError(`cannot open the database ${describeDatabase(db)}: ${(error as Error).message}`, 1)
  }
  const opened = driver
  return {
    storage: sqlStorage(opened, { dialect }),
    accountStore: sqlAccountStore(opened, { dialect }),
    dialect,
    deleteUser: (sub, now) => deleteUserWithGrants(opened, sub, now),
    importInTransaction: (fn) => importInTransaction(opened, fn),
    countCleanup: (now) => countCleanup(opened, now),
    checkpoint: async () => {
      if (dialect === 'sqlite') await opened.exec?.('PRAGMA wal_checkpoint(PASSIVE)')
    },
    close: async () => {
      await opened.close?.()
    },
  }
}
