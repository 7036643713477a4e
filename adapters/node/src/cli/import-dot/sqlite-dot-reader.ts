import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import { CliError } from '../cli-error.js'
import { type DotReader, type DotRow, lookupSql, pageSql, quoteName } from './dot-reader.js'

type SqliteValue = string | number | bigint | null

/** Opens a DOT SQLite database read-only: the import never writes to its source. */
export function sqliteDotReader(path: string): DotReader {
  if (!existsSync(path)) throw new CliError(`--from: no such file ${path}`)
  let Sqlite: typeof BetterSqlite3
  try {
    Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3
  } catch {
    throw new CliError('reading a SQLite database needs better-sqlite3: npm install better-sqlite3', 1)
  }
  let db: BetterSqlite3.Database
  try {
    db = new Sqlite(path, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
  } catch (error) {
    throw new CliError(`cannot open ${path}: ${(error as Error).message}`, 1)
  }
  return {
    dialect: 'sqlite',
    async columns(table) {
      let rows: { name: string }[]
      try {
        rows = db.prepare(`PRAGMA table_info(${quoteName(table)})`).all() as { name: string }[]
      } catch (error) {
        // The first read is where a file that is not a SQLite database shows.
        throw new CliError(`cannot read ${path}: ${(error as Error).message}`, 1)
      }
      return rows.length === 0 ? undefined : new Set(rows.map((row) => row.name))
    },
    async count(table) {
      const row = db.prepare(`SELECT COUNT(*) AS n FROM ${quoteName(table)}`).get() as { n: number }
      return Number(row.n)
    },
    async page(table, columns, after, limit) {
      const values = after === undefined ? [limit] : [after, limit]
      return db.prepare(pageSql(table, columns, after)).all(...(values as SqliteValue[])) as DotRow[]
    },
    async lookup(table, columns, column, values) {
      const rows: DotRow[] = []
      for (const query of lookupSql(table, columns, column, values)) {
        rows.push(...(db.prepare(query.text).all(...(query.values as SqliteValue[])) as DotRow[]))
      }
      return rows
    },
    async close() {
      db.close()
    },
  }
}
