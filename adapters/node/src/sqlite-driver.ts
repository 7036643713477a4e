import { type SqlDriver, type SqlValue, syncSqliteDriver } from '@grantline/sql'
import Database from 'better-sqlite3'

type Prepared = Database.Statement<SqlValue[]>

// Prepared statements are reused by SQL text; the texts Grantline sends are a small fixed set.
const CACHE_LIMIT = 500

/**
 * A SQLite driver over better-sqlite3 for `sqlStorage` and `migrate`. WAL lets readers run
 * beside the one writer; `synchronous = NORMAL` is durable across crashes of the process (WAL
 * may lose the last commits on power loss only); a writer waits up to 5 s for the lock.
 * Writes are group-committed `BEGIN IMMEDIATE` transactions (see `syncSqliteDriver`).
 */
export function sqliteDriver(path: string): SqlDriver {
  const db = new Database(path)
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')

  const cache = new Map<string, Prepared>()
  // One transaction wrapper, made once: it runs whatever batch it is given.
  const transaction = db.transaction((fn: () => unknown) => fn())
  return syncSqliteDriver<Prepared>({
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
    exec: (sql) => db.exec(sql),
    get inTransaction() {
      return db.inTransaction
    },
    close: () => db.close(),
  })
}
