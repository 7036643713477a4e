import type { SqlDriver, SqlRunResult, SqlStatement, SqlValue } from '@grantline/sql'
import type Postgres from 'postgres'
import { rethrowMissingPeer } from './optional-peer.js'
import { toPostgresPlaceholders } from './postgres-sql.js'

export interface PostgresDriverOptions {
  /** Connections in the pool; 10 by default. */
  max?: number
}

/**
 * `postgres` is an optional peer dependency, imported by the driver's first statement rather than
 * on import, so that @grantline/node imports without it (a SQLite-only install). The pool connects
 * on its first query anyway, so nothing waits longer for it.
 */
async function loadPostgres(): Promise<typeof Postgres> {
  try {
    return (await import('postgres')).default
  } catch (error) {
    return rethrowMissingPeer(error, 'postgres', 'postgresDriver')
  }
}

function connect(postgres: typeof Postgres, url: string, max: number) {
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

function query(runner: Runner, text: string, values: SqlValue[]) {
  return runner.unsafe(toPostgresPlaceholders(text), values, { prepare: true })
}

/**
 * A PostgreSQL driver over the `postgres` package, for `sqlStorage` and `migrate`. Statements use
 * `?` placeholders, rewritten to `$n`. A batch is one transaction on one pooled connection, BEGIN
 * and its statements pipelined (one round trip, then COMMIT); a `transaction` is one `sql.begin`.
 * Both run at READ COMMITTED (each statement sees what concurrent transactions committed before it
 * started, which the conditioned batches of `sqlStorage` rely on). BIGINT comes back as a number,
 * as from D1. Connection parameters such as `search_path` may be given in the URL query
 * (`?search_path=myschema`). Without `postgres` installed, the first statement rejects with a
 * `MissingPeerError` naming it.
 */
export function postgresDriver(url: string, options: PostgresDriverOptions = {}): SqlDriver {
  let pool: Promise<ReturnType<typeof connect>> | undefined
  const sql = () => {
    pool ??= loadPostgres().then((postgres) => connect(postgres, url, options.max ?? 10))
    return pool
  }

  class PostgresStatement implements SqlStatement {
    constructor(
      readonly text: string,
      readonly values: SqlValue[],
      /** The pool, or the connection of a `transaction`. */
      readonly runner: () => Promise<Runner>,
    ) {}
    bind(...values: SqlValue[]): SqlStatement {
      return new PostgresStatement(this.text, values, this.runner)
    }
    async first<T>(): Promise<T | null> {
      const rows = await query(await this.runner(), this.text, this.values)
      return (rows[0] as T | undefined) ?? null
    }
    async all<T>(): Promise<{ results: T[] }> {
      const rows = await query(await this.runner(), this.text, this.values)
      return { results: [...rows] as T[] }
    }
    async run(): Promise<SqlRunResult> {
      return { meta: { changes: (await query(await this.runner(), this.text, this.values)).count } }
    }
  }

  // The statements go out together on the transaction's one connection (pipelined: one round trip,
  // not one each), which runs them in order; the first that fails fails the batch.
  const runAll = async (runner: Runner, statements: SqlStatement[]): Promise<SqlRunResult[]> => {
    const sent = (statements as PostgresStatement[]).map((s) => query(runner, s.text, s.values).execute())
    return (await Promise.all(sent)).map((rows) => ({ meta: { changes: rows.count } }))
  }
  const check = (statements: SqlStatement[]) => {
    for (const s of statements) if (!(s instanceof PostgresStatement)) throw new TypeError('batch() takes statements of this driver')
  }

  return {
    prepare: (text) => new PostgresStatement(text, [], sql),
    async batch(statements) {
      check(statements)
      const connection = await (await sql()).reserve()
      // BEGIN goes out with the statements, in one round trip; COMMIT waits for their answers. A
      // statement that fails aborts the transaction, so every one after it fails too.
      const begun = connection.unsafe('BEGIN').execute()
      const sent = runAll(connection, statements)
      try {
        await begun
        const results = await sent
        await connection.unsafe('COMMIT')
        return results
      } catch (error) {
        sent.catch(() => {})
        await connection.unsafe('ROLLBACK').catch(() => {})
        throw error
      } finally {
        connection.release()
      }
    },
    async transaction(fn) {
      return (await sql()).begin(async (tx) => {
        const connection = async () => tx
        // A batch inside is a savepoint: all of it, or none of it, within the transaction.
        return fn({
          prepare: (text) => new PostgresStatement(text, [], connection),
          async batch(statements) {
            check(statements)
            return tx.savepoint((point) => runAll(point, statements))
          },
        })
      }) as Promise<Awaited<ReturnType<typeof fn>>>
    },
    async exec(script) {
      // The simple query protocol runs a multi-statement script as one implicit transaction. A
      // script with its own BEGIN that fails would leave its pooled connection in an aborted
      // transaction, so the script gets a connection of its own and a ROLLBACK on failure.
      const connection = await (await sql()).reserve()
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
      // A driver that never ran a statement has no pool, and one whose load failed has none to end.
      await pool?.then(
        (open) => open.end({ timeout: 5 }),
        () => {},
      )
    },
  }
}
