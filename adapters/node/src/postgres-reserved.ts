import type { SqlValue } from '@grantline/sql'
import type Postgres from 'postgres'
import { toPostgresPlaceholders } from './postgres-sql.js'

type Pool = ReturnType<typeof Postgres>
/** A connection of the pool held by one piece of work: a batch, a transaction or a script. */
export type Reserved = Awaited<ReturnType<Pool['reserve']>>

/** Socket errors that end a connection. */
const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'])

/**
 * Whether an error means the connection is gone: closed under its queries or never opened (the
 * `postgres` package's CONNECTION_* and CONNECT_TIMEOUT errors), reset, or ended by the server (a
 * FATAL error, such as a backend terminated by an administrator or a failover).
 */
export function connectionLost(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown }
  if (severity === 'FATAL' || severity === 'PANIC') return true
  return typeof code === 'string' && (code.startsWith('CONNECT') || NETWORK.has(code))
}

/**
 * Runs `work` on a connection of its own, given back to the pool afterwards unless it was lost:
 * the `postgres` package would hand a lost connection to the next query, whose write then throws
 * outside any promise and ends the process. A lost connection stays with the pool's closed ones,
 * to be opened again when needed.
 */
export async function onReserved<T>(pool: Pool, work: (connection: Reserved) => Promise<T>): Promise<T> {
  const connection = await pool.reserve()
  let lost = false
  try {
    return await work(connection)
  } catch (error) {
    lost = connectionLost(error)
    throw error
  } finally {
    if (!lost) connection.release()
  }
}

/**
 * Sends `opening` (BEGIN, or a SAVEPOINT) and the statements together, in one round trip, and waits
 * for every answer: a statement that fails aborts the transaction, so each one after it fails
 * too. Rejects with the first failure, or as soon as the connection is lost, with its error (the
 * `postgres` package never answers the statements it had queued behind it).
 */
export async function pipelined(
  connection: Reserved,
  opening: string,
  statements: { text: string; values: SqlValue[] }[],
): Promise<{ count: number }[]> {
  const sent = [connection.unsafe(opening).execute(), ...statements.map((s) => run(connection, s.text, s.values))]
  const results: { count: number }[] = []
  const failures: unknown[] = []
  await new Promise<void>((done) => {
    let waiting = sent.length
    sent.forEach((answer, i) => {
      answer.then(
        (rows) => {
          results[i] = rows
          if (--waiting === 0) done()
        },
        (error: unknown) => {
          failures[i] = error
          // The statements still queued behind a lost connection are never answered.
          if (--waiting === 0 || connectionLost(error)) done()
        },
      )
    })
  })
  const failed = failures.filter((error) => error !== undefined)
  if (failed.length) throw failed.find(connectionLost) ?? failed[0]
  return results.slice(1)
}

/** A statement of the driver, its `?` placeholders numbered, prepared on the connection that runs it. */
export function run(runner: Pick<Pool, 'unsafe'>, text: string, values: SqlValue[]) {
  return runner.unsafe(toPostgresPlaceholders(text), values, { prepare: true }).execute()
}

/**
 * COMMIT, refused when PostgreSQL ended the transaction as a ROLLBACK instead (a statement in it
 * failed, though the work went on), so that nothing is reported written that was not.
 */
export async function commit(connection: Reserved): Promise<void> {
  const result = await connection.unsafe('COMMIT')
  if (result.command !== 'COMMIT') throw new Error('the transaction was rolled back: a statement in it failed')
}

/**
 * Ends the transaction (or, with `savepoint`, undoes to it) that `error` left open, unless the
 * connection went with it. Answers the error to throw: `error`, or the lost connection's.
 */
export async function rollback(connection: Reserved, error: unknown, savepoint?: string): Promise<unknown> {
  if (connectionLost(error)) return error
  const ended = await connection.unsafe(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK').then(
    () => undefined,
    (failure: unknown) => failure,
  )
  return ended !== undefined && connectionLost(ended) ? ended : error
}
