import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import type BetterSqlite3 from 'better-sqlite3'
import { CliError } from '../cli-error.js'
import { type DotReader, type DotRow, PAGE_SIZE, quoteName } from './dot-reader.js'

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
    async *rows(table, columns) {
      const list = columns.map(quoteName).join(', ')
      const statement = db.prepare(`SELECT ${list} FROM ${quoteName(table)} ORDER BY ${quoteName('id')}`)
      let page: DotRow[] = []
      for (const row of statement.iterate() as Iterable<DotRow>) {
        page.push(row)
        if (page.length < PAGE_SIZE) continue
        // The iterator holds the statement open; yielding it lets a progress timer run between pages.
        yield page
        page = []
      }
      if (page.length > 0) yield page
    },
    async close() {
      db.close()
    },
  }
}
