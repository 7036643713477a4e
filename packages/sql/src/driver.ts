/**
 * The driver contract: a small, D1-shaped subset of a SQL client. Cloudflare D1's `D1Database`
 * satisfies it as it is; bun:sqlite, better-sqlite3 and PostgreSQL get thin wrappers. SQL text
 * always uses `?` placeholders; a driver whose database wants `$1..$n` rewrites them.
 */

/** A value bound to a `?` placeholder. Booleans and JSON are encoded before they get here. */
export type SqlValue = string | number | null

/** The SQL dialect a statement text and a migration set are written for. */
export type SqlDialect = 'sqlite' | 'postgres'

/** What running a statement reports: the rows it changed (D1's `meta.changes`). */
export interface SqlRunResult {
  meta: { changes: number }
}

/** A prepared statement. `bind` returns a new statement; the receiver is left unbound. */
export interface SqlStatement {
  bind(...values: SqlValue[]): SqlStatement
  /** The first row, or null when there is none. */
  first<T = Record<string, unknown>>(): Promise<T | null>
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>
  run(): Promise<SqlRunResult>
}

export interface SqlDriver {
  prepare(sql: string): SqlStatement
  /**
   * Runs the statements in order, in one transaction: all of them take effect or none does
   * (D1's `batch`). A write transaction must hold the write lock from its first statement on
   * (SQLite `BEGIN IMMEDIATE`), so that conditions checked by later statements still hold.
   */
  batch(statements: SqlStatement[]): Promise<SqlRunResult[]>
  /**
   * Runs a script of several `;`-separated statements without parameters, for migrations. A
   * script that fails must leave no transaction open.
   */
  exec?(sql: string): Promise<unknown>
  /**
   * Runs `fn` in one write transaction that stays open across awaits, for work too large for one
   * batch (`grantline import-dot`): what `fn` writes through `tx` takes effect when it resolves,
   * and nothing of it when it throws. Inside, `tx.batch` is all-or-nothing as a savepoint. D1 has
   * no such transaction, so a driver may leave this out.
   */
  transaction?<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>
  close?(): Promise<void>
}
