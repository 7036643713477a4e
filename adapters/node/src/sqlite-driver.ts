import { closeSync, openSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { type SqlDriver, type SqlValue, syncSqliteDriver, walCheckpointer } from '@grantline/sql'
import type BetterSqlite3 from 'better-sqlite3'
import { rethrowMissingPeer, rethrowPeerNotBuilt } from './optional-peer.js'

type Prepared = BetterSqlite3.Statement<SqlValue[]>

// Prepared statements are reused by SQL text; the texts Grantline sends are a small fixed set.
const CACHE_LIMIT = 500
const BUSY_TIMEOUT_MS = 5000

let Database: typeof BetterSqlite3 | undefined

/**
 * better-sqlite3 is an optional peer dependency, loaded by the first call rather than on import,
 * so that @grantline/node imports without it (a PostgreSQL-only install). It is a CommonJS native
 * addon and the database opens synchronously, in the call, so `require` loads it.
 */
function loadBetterSqlite3(): typeof BetterSqlite3 {
  try {
    Database ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
    return Database
  } catch (error) {
    return rethrowMissingPeer(error, 'better-sqlite3', 'sqliteDriver')
  }
}

/**
 * Creates a new database file readable by its owner only (0600): it holds client records, token
 * hashes and password hashes. SQLite gives the -wal and -shm files the database file's mode, so
 * they follow. An existing file keeps its mode; a temporary or in-memory database has no file.
 */
function createPrivately(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return
  try {
    closeSync(openSync(path, 'wx', 0o600))
  } catch {
    // It is there already (or another process just made it); a missing folder or a permission
    // error, SQLite reports when it opens the path.
  }
}

/**
 * A SQLite driver over better-sqlite3 for `sqlStorage` and `migrate`. WAL lets readers run
 * beside the one writer; `synchronous = NORMAL` is durable across crashes of the process (WAL
 * may lose the last commits on power loss only); a writer waits up to 5 s for the lock.
 * Writes are group-committed `BEGIN IMMEDIATE` transactions (see `syncSqliteDriver`); a file's
 * WAL is checkpointed by a worker thread, not by the commits (`walCheckpointer`, checkpoint-worker.ts).
 * Without better-sqlite3 installed it throws a `MissingPeerError` naming it; with better-sqlite3
 * installed but its native addon not built, a `PeerNotBuiltError` naming `npm rebuild better-sqlite3`.
 */
export function sqliteDriver(path: string): SqlDriver {
  const Sqlite = loadBetterSqlite3()
  createPrivately(path)
  let db: BetterSqlite3.Database
  try {
    // the native addon loads on the first construction, not on require
    db = new Sqlite(path)
  } catch (error) {
    rethrowPeerNotBuilt(error, 'better-sqlite3', 'sqliteDriver')
  }
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  const stopCheckpointer = walCheckpointer(
    path,
    (workerData) => new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData }),
    (sql) => db.pragma(sql),
  )

  const cache = new Map<string, Prepared>()
  // One transaction wrapper, made once: it runs whatever batch it is given.
  const transaction = db.transaction((fn: () => unknown) => fn())
  const driver = syncSqliteDriver<Prepared>({
    prepare(sql) {
      let statement = cache.get(sql)
      if (!statement) {
        if (cache.size >= CACHE_LIMIT) cache.clear()
        statement = db.prepare<SqlValue[]>(sql)
        cache.set(sql, statement)
      }
      return statement
    },
    isReader: (statement) => statement.reader,
    immediate: <T>(fn: () => T) => transaction.immediate(fn) as T,
    // Not a prepared statement: SQLite applies a PRAGMA when it compiles it.
    setLockWait: (wait) => db.pragma(`busy_timeout = ${wait ? BUSY_TIMEOUT_MS : 0}`),
    exec: (sql) => db.exec(sql),
    get inTransaction() {
      return db.inTransaction
    },
    close: () => db.close(),
  })
  return {
    ...driver,
    async close() {
      // The checkpointer's connection first, so that closing the last one checkpoints and removes the WAL.
      await stopCheckpointer?.()
      await driver.close?.()
    },
  }
}
