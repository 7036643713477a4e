import type { SqlDriver, SqlRunResult, SqlStatement, SqlValue } from '@grantline/sql'
import Database from 'better-sqlite3'

type Prepared = Database.Statement<SqlValue[]>

// Prepared statements are reused by SQL text; the texts Grantline sends are a small fixed set.
const CACHE_LIMIT = 500

/**
 * A SQLite driver over better-sqlite3 for `sqlStorage` and `migrate`. WAL lets readers run
 * beside the one writer; `synchronous = NORMAL` is durable across crashes of the process (WAL
 * may lose the last commits on power loss only); a writer waits up to 5 s for the lock.
 * Batches are `BEGIN IMMEDIATE` transactions, so a batch holds the write lock from its first
 * statement and its conditions cannot be overtaken by another process.
 */
export function sqliteDriver(path: string): SqlDriver {
  const db = new Database(path)
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')

  const cache = new Map<string, Prepared>()
  const prepare = (sql: string): Prepared => {
    let statement = cache.get(sql)
    if (!statement) {
      if (cache.size >= CACHE_LIMIT) cache.clear()
      statement = db.prepare<SqlValue[]>(sql)
      cache.set(sql, statement)
    }
    return statement
  }

  const runNow = (sql: string, values: SqlValue[]): SqlRunResult => {
    const statement = prepare(sql)
    if (!statement.reader) return { meta: { changes: statement.run(...values).changes } }
    // A write with RETURNING is a reader: the rows it returns are the rows it changed.
    const rows = statement.all(...values)
    return { meta: { changes: /^\s*(select|with)\b/i.test(sql) ? 0 : rows.length } }
  }

  class SqliteStatement implements SqlStatement {
    constructor(
      readonly sql: string,
      readonly values: SqlValue[] = [],
    ) {}
    bind(...values: SqlValue[]): SqlStatement {
      return new SqliteStatement(this.sql, values)
    }
    async first<T>(): Promise<T | null> {
      const statement = prepare(this.sql)
      if (!statement.reader) {
        statement.run(...this.values)
        return null
      }
      return (statement.get(...this.values) as T | undefined) ?? null
    }
    async all<T>(): Promise<{ results: T[] }> {
      const statement = prepare(this.sql)
      if (!statement.reader) {
        statement.run(...this.values)
        return { results: [] }
      }
      return { results: statement.all(...this.values) as T[] }
    }
    async run(): Promise<SqlRunResult> {
      return runNow(this.sql, this.values)
    }
  }

  const batch = db.transaction((statements: SqliteStatement[]) => statements.map((s) => runNow(s.sql, s.values)))

  return {
    prepare: (sql) => new SqliteStatement(sql),
    async batch(statements) {
      for (const s of statements) if (!(s instanceof SqliteStatement)) throw new TypeError('batch() takes statements of this driver')
      return batch.immediate(statements as SqliteStatement[])
    },
    async exec(sql) {
      try {
        db.exec(sql)
      } catch (error) {
        // A script that failed after its BEGIN must not leave the connection inside it.
        if (db.inTransaction) db.exec('ROLLBACK')
        throw error
      }
    },
    async close() {
      db.close()
    },
  }
}
