import { Database, type Statement } from 'bun:sqlite'
import { closeSync, openSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { type SqlDriver, type SqlValue, syncSqliteDriver, walCheckpointer } from '@grantline/sql'

type Prepared = Statement<Record<string, unknown>, SqlValue[]>

/**
 * A SQLite driver over bun:sqlite for `sqlStorage` and `migrate`, as `sqliteDriver` of
 * @grantline/node is over better-sqlite3. WAL lets readers run beside the one writer;
 * `synchronous = NORMAL` is durable across crashes of the process; a writer waits up to 5 s for
 * the lock, retried off the event loop. Writes are group-committed `BEGIN IMMEDIATE` transactions
 * (see `syncSqliteDriver`); a file's WAL is checkpointed by a worker, not by the commits.
 */
export function bunSqliteDriver(path: string): SqlDriver {
  createPrivately(path)
  const db = new Database(path, { create: true, strict: true })
  db.exec('PRAGMA busy_timeout = 5000')
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec('PRAGMA foreign_keys = ON')
  // A worker thread checkpoints the file (checkpoint-worker.ts), as on Node.
  const stopCheckpointer = walCheckpointer(
    path,
    (workerData) => new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData }),
    (sql) => db.exec(`PRAGMA ${sql}`),
  )

  // One transaction wrapper, made once: it runs whatever batch it is given.
  const transaction = db.transaction((fn: () => unknown) => fn())
  const driver = syncSqliteDriver<Prepared>({
    // bun:sqlite caches `query()` statements by SQL text.
    prepare: (sql) => db.query<Record<string, unknown>, SqlValue[]>(sql),
    // A write with RETURNING has result columns, like a SELECT.
    isReader: (statement) => statement.columnNames.length > 0,
    immediate: <T>(fn: () => T) => transaction.immediate(fn) as T,
    // Not a cached query: SQLite applies a PRAGMA when it compiles it.
    setLockWait: (wait) => db.exec(`PRAGMA busy_timeout = ${wait ? 5000 : 0}`),
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

/** A new database file is its owner's only (0600), as on Node: it holds token and password hashes. */
function createPrivately(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return
  try {
    closeSync(openSync(path, 'wx', 0o600))
  } catch {
    // There already, or SQLite reports the problem when it opens the path.
  }
}
