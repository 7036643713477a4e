import type { SqlDriver, SqlRunResult, SqlStatement, SqlValue } from './driver.js'

/** A prepared statement of a synchronous SQLite binding (better-sqlite3, bun:sqlite). */
export interface SyncStatement {
  get(...values: SqlValue[]): unknown
  all(...values: SqlValue[]): unknown[]
  run(...values: SqlValue[]): { changes: number | bigint }
}

/** What `syncSqliteDriver` needs of a synchronous SQLite binding. */
export interface SyncSqlite<S extends SyncStatement> {
  /** A prepared statement for `sql`, cached by SQL text (Grantline sends a small fixed set). */
  prepare(sql: string): S
  /** Whether the statement returns rows: a SELECT, or a write with RETURNING. */
  isReader(statement: S): boolean
  /** Runs `fn` as one `BEGIN IMMEDIATE` transaction. */
  immediate<T>(fn: () => T): T
  exec(sql: string): void
  readonly inTransaction: boolean
  close(): void
}

/**
 * The D1-shaped SqlDriver over a synchronous SQLite binding. Batches are `BEGIN IMMEDIATE`
 * transactions, so a batch holds the write lock from its first statement and its SQL conditions
 * cannot be overtaken by another process.
 */
export function syncSqliteDriver<S extends SyncStatement>(db: SyncSqlite<S>): SqlDriver {
  const runNow = (sql: string, values: SqlValue[]): SqlRunResult => {
    const statement = db.prepare(sql)
    if (!db.isReader(statement)) return { meta: { changes: Number(statement.run(...values).changes) } }
    // A write with RETURNING is a reader: the rows it returns are the rows it changed.
    const rows = statement.all(...values)
    return { meta: { changes: /^\s*(select|with)\b/i.test(sql) ? 0 : rows.length } }
  }

  class SyncSqlStatement implements SqlStatement {
    constructor(
      readonly sql: string,
      readonly values: SqlValue[] = [],
    ) {}
    bind(...values: SqlValue[]): SqlStatement {
      return new SyncSqlStatement(this.sql, values)
    }
    async first<T>(): Promise<T | null> {
      const statement = db.prepare(this.sql)
      if (!db.isReader(statement)) {
        statement.run(...this.values)
        return null
      }
      return (statement.get(...this.values) as T | undefined) ?? null
    }
    async all<T>(): Promise<{ results: T[] }> {
      const statement = db.prepare(this.sql)
      if (!db.isReader(statement)) {
        statement.run(...this.values)
        return { results: [] }
      }
      return { results: statement.all(...this.values) as T[] }
    }
    async run(): Promise<SqlRunResult> {
      return runNow(this.sql, this.values)
    }
  }

  return {
    prepare: (sql) => new SyncSqlStatement(sql),
    async batch(statements) {
      for (const s of statements) if (!(s instanceof SyncSqlStatement)) throw new TypeError('batch() takes statements of this driver')
      return db.immediate(() => (statements as SyncSqlStatement[]).map((s) => runNow(s.sql, s.values)))
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
