import type Postgres from 'postgres'
import { CliError } from '../cli-error.js'
import { describeDatabase } from '../open-database.js'
import { type DotReader, type DotRow, PAGE_SIZE, quoteName } from './dot-reader.js'

async function loadPostgres(): Promise<typeof Postgres> {
  try {
    return (await import('postgres')).default
  } catch {
    throw new CliError('reading a PostgreSQL database needs postgres: npm install postgres', 1)
  }
}

/**
 * Opens a DOT PostgreSQL database through one connection in read-only transactions: the import
 * never writes to its source. Tables are looked up in the connection's current schema
 * (`?search_path=` in the URL chooses another).
 */
export async function postgresDotReader(url: string): Promise<DotReader> {
  const postgres = await loadPostgres()
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { default_transaction_read_only: true } })
  try {
    await sql`SELECT 1`
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {})
    throw new CliError(`cannot open ${describeDatabase(url)}: ${(error as Error).message}`, 1)
  }
  return {
    dialect: 'postgres',
    async columns(table) {
      const rows = await sql<{ column_name: string }[]>`
        SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`
      return rows.length === 0 ? undefined : new Set(rows.map((row) => row.column_name))
    },
    async count(table) {
      const [row] = await sql.unsafe(`SELECT COUNT(*) AS n FROM ${quoteName(table)}`)
      return Number(row?.n ?? 0)
    },
    async *rows(table, columns) {
      const list = columns.map(quoteName).join(', ')
      const cursor = sql.unsafe(`SELECT ${list} FROM ${quoteName(table)} ORDER BY ${quoteName('id')}`).cursor(PAGE_SIZE)
      for await (const page of cursor) yield page as unknown as DotRow[]
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
}
