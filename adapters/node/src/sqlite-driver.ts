import { type SqlDriver, type SqlValue, syncSqliteDriver } from '@grantline/sql'
import Database from 'better-sqlite3'
import { startWalCheckpointer } from './wal-checkpointer.js'

type Prepared = Database.Statement<SqlValue[]>

// Prepared statements are reused by SQL text; the texts Grantline sends are a small fixed set.
const CACHE_LIMIT = 500
const BUSY_TIMEOUT_MS = 5000
/** The WAL size (pages) at which a commit checkpoints by itself: a backstop; the checkpointer thread works well below it. */
const BACKSTOP_PAGES = 16_000

/**
 * A SQLite driver over better-sqlite3 for `sqlStorage` and `migrate`. WAL lets readers run
 * beside the one writer; `synchronous = NORMAL` is durable across crashes of the process (WAL
 * may lose the last commits on power loss only); a writer waits up to 5 s for the lock.
 * Writes are group-committed `BEGIN IMMEDIATE` transactions (see `syncSqliteDriver`); a file's
 * WAL is checkpointed by a worker thread, not by the commits (wal-checkpointer.ts).
 */
export function sqliteDriver(path: string): SqlDriver {
  const db = new Database(path)
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  const inMemory = path === '' || path === ':memory:' || path.startsWith('file::memory:')
  const stopCheckpointer = inMemory ? undefined : startWalCheckpointer(path)
  if (stopCheckpointer) db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)

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
