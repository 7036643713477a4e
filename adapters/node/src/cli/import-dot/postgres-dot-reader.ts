import type Postgres from 'postgres'
import { toPostgresPlaceholders } from '../../postgres-sql.js'
import { CliError } from '../cli-error.js'
import { describeDatabase } from '../open-database.js'
import { type DotReader, type DotRow, lookupSql, pageSql, quoteName } from './dot-reader.js'

type PostgresValue = string | number | null

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
    async page(table, columns, after, limit) {
      const values = after === undefined ? [limit] : [after, limit]
      return (await sql.unsafe(toPostgresPlaceholders(pageSql(table, columns, after)), values as PostgresValue[])) as unknown as DotRow[]
    },
    async lookup(table, columns, column, values) {
      const rows: DotRow[] = []
      for (const query of lookupSql(table, columns, column, values)) {
        rows.push(...((await sql.unsafe(toPostgresPlaceholders(query.text), query.values as PostgresValue[])) as unknown as DotRow[]))
      }
      return rows
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
}
