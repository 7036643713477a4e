import type { SqlDriver, SqlRunResult, SqlStatement, SqlValue } from '@grantline/sql'
import postgres from 'postgres'
import { toPostgresPlaceholders } from './postgres-sql.js'

export interface PostgresDriverOptions {
  /** Connections in the pool; 10 by default. */
  max?: number
}

function connect(url: string, max: number) {
  return postgres(url, {
    max,
    // "relation already exists, skipping" from IF NOT EXISTS is not worth a console line.
    onnotice: () => {},
    types: {
      bigint: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
  })
}

type Runner = Pick<ReturnType<typeof connect>, 'unsafe'>

async function query(runner: Runner, text: string, values: SqlValue[]) {
  return runner.unsafe(toPostgresPlaceholders(text), values, { prepare: true })
}

/**
 * A PostgreSQL driver over the `postgres` package, for `sqlStorage` and `migrate`. Statements use
 * `?` placeholders, rewritten to `$n`; a batch runs in one `sql.begin` transaction on one pooled
 * connection, at READ COMMITTED (each statement sees what concurrent transactions committed
 * before it started, which the conditioned batches of `sqlStorage` rely on). BIGINT comes back
 * as a number, as from D1. Connection parameters such as `search_path` may be given in the URL
 * query (`?search_path=myschema`).
 */
export function postgresDriver(url: string, options: PostgresDriverOptions = {}): SqlDriver {
  const sql = connect(url, options.max ?? 10)

  class PostgresStatement implements SqlStatement {
    constructor(
      readonly text: string,
      readonly values: SqlValue[] = [],
    ) {}
    bind(...values: SqlValue[]): SqlStatement {
      return new PostgresStatement(this.text, values)
    }
    async first<T>(): Promise<T | null> {
      const rows = await query(sql, this.text, this.values)
      return (rows[0] as T | undefined) ?? null
    }
    async all<T>(): Promise<{ results: T[] }> {
      const rows = await query(sql, this.text, this.values)
      return { results: [...rows] as T[] }
    }
    async run(): Promise<SqlRunResult> {
      return { meta: { changes: (await query(sql, this.text, this.values)).count } }
    }
  }

  return {
    prepare: (text) => new PostgresStatement(text),
    async batch(statements) {
      for (const s of statements) if (!(s instanceof PostgresStatement)) throw new TypeError('batch() takes statements of this driver')
      return sql.begin(async (tx) => {
        const results: SqlRunResult[] = []
        for (const s of statements as PostgresStatement[]) results.push({ meta: { changes: (await query(tx, s.text, s.values)).count } })
        return results
      })
    },
    async exec(script) {
      // The simple query protocol runs a multi-statement script as one implicit transaction. A
      // script with its own BEGIN that fails would leave its pooled connection in an aborted
      // transaction, so the script gets a connection of its own and a ROLLBACK on failure.
      const connection = await sql.reserve()
      try {
        await connection.unsafe(script)
      } catch (error) {
        await connection.unsafe('ROLLBACK').catch(() => {})
        throw error
      } finally {
        connection.release()
      }
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
}
