import type { SqlDriver, SqlRunResult, SqlStatement, SqlValue } from '@grantline/sql'
import type Postgres from 'postgres'
import { rethrowMissingPeer } from './optional-peer.js'
import { commit, onReserved, pipelined, rollback, run } from './postgres-reserved.js'
import { absorbLostConnectionRejections } from './postgres-stray-rejections.js'

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
  absorbLostConnectionRejections()
  return postgres(url, {
    max,
    // "relation already exists, skipping" from IF NOT EXISTS is not worth a console line.
    onnotice: () => {},
    types: {
      bigint: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
  })
}

/**
 * A PostgreSQL driver over the `postgres` package, for `sqlStorage` and `migrate`. Statements use
 * `?` placeholders, rewritten to `$n`. A batch is one transaction on a pooled connection of its
 * own, BEGIN and its statements pipelined (one round trip, then COMMIT); a `transaction` holds its
 * connection across awaits, each batch in it a savepoint (postgres-reserved.ts). Both run at READ
 * COMMITTED (each statement sees what concurrent transactions committed before it started, which
 * the conditioned batches of `sqlStorage` rely on). BIGINT comes back as a number,
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
      readonly runner: () => Promise<Pick<ReturnType<typeof connect>, 'unsafe'>>,
    ) {}
    bind(...values: SqlValue[]): SqlStatement {
      return new PostgresStatement(this.text, values, this.runner)
    }
    async first<T>(): Promise<T | null> {
      const rows = await run(await this.runner(), this.text, this.values)
      return (rows[0] as T | undefined) ?? null
    }
    async all<T>(): Promise<{ results: T[] }> {
      const rows = await run(await this.runner(), this.text, this.values)
      return { results: [...rows] as T[] }
    }
    async run(): Promise<SqlRunResult> {
      return { meta: { changes: (await run(await this.runner(), this.text, this.values)).count } }
    }
  }

  const check = (statements: SqlStatement[]): PostgresStatement[] => {
    for (const s of statements) if (!(s instanceof PostgresStatement)) throw new TypeError('batch() takes statements of this driver')
    return statements as PostgresStatement[]
  }
  const changes = (results: { count: number }[]): SqlRunResult[] => results.map((rows) => ({ meta: { changes: rows.count } }))

  return {
    prepare: (text) => new PostgresStatement(text, [], sql),
    async batch(statements) {
      const sent = check(statements)
      // BEGIN goes out with the statements, in one round trip; COMMIT once every one has answered.
      return onReserved(await sql(), async (connection) => {
        const results = await pipelined(connection, 'BEGIN', sent).catch(async (error) => {
          throw await rollback(connection, error)
        })
        await commit(connection)
        return changes(results)
      })
    },
    async transaction(fn) {
      return onReserved(await sql(), async (connection) => {
        let savepoints = 0
        const runner = async () => connection
        await connection.unsafe('BEGIN')
        try {
          const result = await fn({
            prepare: (text) => new PostgresStatement(text, [], runner),
            // A batch inside is a savepoint: all of it, or none of it, within the transaction.
            async batch(statements) {
              const sent = check(statements)
              const savepoint = `batch_${savepoints++}`
              const results = await pipelined(connection, `SAVEPOINT ${savepoint}`, sent).catch(async (error) => {
                throw await rollback(connection, error, savepoint)
              })
              await connection.unsafe(`RELEASE SAVEPOINT ${savepoint}`)
              return changes(results)
            },
          })
          await commit(connection)
          return result
        } catch (error) {
          throw await rollback(connection, error)
        }
      })
    },
    async exec(script) {
      // The simple query protocol runs a multi-statement script as one implicit transaction. A
      // script with its own BEGIN that fails would leave its pooled connection in an aborted
      // transaction, so the script gets a connection of its own and a ROLLBACK on failure.
      await onReserved(await sql(), async (connection) => {
        await connection.unsafe(script).catch(async (error) => {
          throw await rollback(connection, error)
        })
      })
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
