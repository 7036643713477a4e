import { Database, type Statement } from 'bun:sqlite'
import type { SqlDriver, SqlRunResult, SqlStatement, SqlValue } from '@grantline/sql'

type Prepared = Statement<Record<string, unknown>, SqlValue[]>

/**
 * A SQLite driver over bun:sqlite for `sqlStorage` and `migrate`, as `sqliteDriver` of
 * @grantline/node is over better-sqlite3. WAL lets readers run beside the one writer;
 * `synchronous = NORMAL` is durable across crashes of the process; a writer waits up to 5 s for
 * the lock. Batches are `BEGIN IMMEDIATE` transactions, so a batch holds the write lock from its
 * first statement and its conditions cannot be overtaken by another process.
 */
export function bunSqliteDriver(path: string): SqlDriver {
  const db = new Database(path, { create: true, strict: true })
  db.exec('PRAGMA busy_timeout = 5000')
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA synchronous = NORMAL')
  db.exec('PRAGMA foreign_keys = ON')

  // bun:sqlite caches `query()` statements by SQL text; Grantline sends a small fixed set.
  const prepare = (sql: string): Prepared => db.query<Record<string, unknown>, SqlValue[]>(sql)
  // A write with RETURNING has result columns, like a SELECT: it is run as a query.
  const isReader = (statement: Prepared) => statement.columnNames.length > 0

  const runNow = (sql: string, values: SqlValue[]): SqlRunResult => {
    const statement = prepare(sql)
    if (!isReader(statement)) return { meta: { changes: statement.run(...values).changes } }
    // The rows a write with RETURNING returns are the rows it changed.
    const rows = statement.all(...values)
    return { meta: { changes: /^\s*(select|with)\b/i.test(sql) ? 0 : rows.length } }
  }

  class BunStatement implements SqlStatement {
    constructor(
      readonly sql: string,
      readonly values: SqlValue[] = [],
    ) {}
    bind(...values: SqlValue[]): SqlStatement {
      return new BunStatement(this.sql, values)
    }
    async first<T>(): Promise<T | null> {
      const statement = prepare(this.sql)
      if (!isReader(statement)) {
        statement.run(...this.values)
        return null
      }
      return (statement.get(...this.values) as T | null) ?? null
    }
    async all<T>(): Promise<{ results: T[] }> {
      const statement = prepare(this.sql)
      if (!isReader(statement)) {
        statement.run(...this.values)
        return { results: [] }
      }
      return { results: statement.all(...this.values) as T[] }
    }
    async run(): Promise<SqlRunResult> {
      return runNow(this.sql, this.values)
    }
  }

  const batch = db.transaction((statements: BunStatement[]) => statements.map((s) => runNow(s.sql, s.values)))

  return {
    prepare: (sql) => new BunStatement(sql),
    async batch(statements) {
      for (const s of statements) if (!(s instanceof BunStatement)) throw new TypeError('batch() takes statements of this driver')
      return batch.immediate(statements as BunStatement[])
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
