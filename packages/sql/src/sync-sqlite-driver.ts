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
  /**
   * Runs `fn` as one `BEGIN IMMEDIATE` transaction; called inside one, as a savepoint that a
   * throw from `fn` rolls back alone (as better-sqlite3's and bun:sqlite's nested transactions do).
   */
  immediate<T>(fn: () => T): T
  /**
   * Whether a statement waits (SQLite's busy timeout) for a lock another connection holds, or
   * fails at once with SQLITE_BUSY. Without it the group commit waits in SQLite's busy handler,
   * which blocks the event loop (every request, reads included) while it sleeps.
   */
  setLockWait?(wait: boolean): void
  exec(sql: string): void
  readonly inTransaction: boolean
  close(): void
}

// Node and Bun, the runtimes with a synchronous SQLite binding, both have them; declared here
// because this package is runtime-neutral.
declare const setImmediate: (callback: () => void) => unknown
declare const setTimeout: (callback: () => void, ms: number) => unknown

/** What `tryImmediate` answers when another connection holds the write lock. */
const BUSY: unique symbol = Symbol('SQLITE_BUSY')

/** While another process holds the write lock, the group retries this often, for at most LOCK_WAIT_MS. */
const LOCK_RETRY_MS = 1
const LOCK_WAIT_MS = 5000

/** A statement that only reads: it runs at once, outside the write queue. */
const READ_ONLY = /^\s*select\b/i

/** One write waiting for the next group commit. */
interface QueuedWrite {
  run(): unknown
  resolve(value: unknown): void
  reject(error: unknown): void
}

/**
 * The D1-shaped SqlDriver over a synchronous SQLite binding.
 *
 * Writes are group-committed: every write (a batch, or one statement that is not a SELECT) asked
 * for while the event loop runs callbacks is queued, and the queue runs at the next
 * `setImmediate` as one `BEGIN IMMEDIATE` transaction, each write in its own savepoint, so one
 * that fails rolls back alone and rejects alone. A commit costs more than the inserts of a token
 * issue (the WAL write and its locks, docs/benchmarks.md), so concurrent requests share one.
 * Each write still answers only after its commit, and sees the writes queued before it, so
 * conditions in SQL hold exactly as when each ran alone; the transaction holds the write lock from
 * its first statement, so no other process overtakes them. Reads run at once on the committed state.
 */
export function syncSqliteDriver<S extends SyncStatement>(db: SyncSqlite<S>): SqlDriver {
  const runNow = (sql: string, values: SqlValue[]): SqlRunResult => {
    const statement = db.prepare(sql)
    if (!db.isReader(statement)) return { meta: { changes: Number(statement.run(...values).changes) } }
    // A write with RETURNING is a reader: the rows it returns are the rows it changed.
    const rows = statement.all(...values)
    return { meta: { changes: /^\s*(select|with)\b/i.test(sql) ? 0 : rows.length } }
  }

  /** `immediate`, but answering BUSY at once when another connection holds the write lock. */
  const tryImmediate = <T>(fn: () => T): T | typeof BUSY => {
    if (!db.setLockWait) return db.immediate(fn)
    db.setLockWait(false)
    try {
      return db.immediate(fn)
    } catch (error) {
      // BEGIN IMMEDIATE found the lock taken; nothing ran.
      if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') && !db.inTransaction) return BUSY
      throw error
    } finally {
      db.setLockWait(true)
    }
  }

  let queue: QueuedWrite[] = []
  let scheduled = false
  // Set while `transaction` runs: its statements run at once, and the group commit waits for it.
  let open = false
  let waitingSince: number | undefined
  const runGroup = (group: QueuedWrite[]) => {
    const results: { ok: boolean; value: unknown }[] = []
    if (group.length === 1) results.push({ ok: true, value: group[0]!.run() })
    else
      for (const write of group) {
        try {
          results.push({ ok: true, value: db.immediate(() => write.run()) })
        } catch (error) {
          // An error that ended the whole transaction (SQLite rolls back on some) fails the group.
          if (!db.inTransaction) throw error
          results.push({ ok: false, value: error })
        }
      }
    return results
  }
  /** Commits the queue; `wait` blocks in SQLite's busy handler (close, exec) instead of retrying later. */
  const commitQueue = (wait = false) => {
    scheduled = false
    if (queue.length === 0 || open) return
    const group = queue
    let results: { ok: boolean; value: unknown }[]
    try {
      const outcome = wait ? db.immediate(() => runGroup(group)) : tryImmediate(() => runGroup(group))
      if (outcome === BUSY) {
        // Another process (a `tokens clear`, a migration) holds the lock: the loop keeps serving
        // reads meanwhile, and writes asked for until then join this group.
        waitingSince ??= Date.now()
        if (Date.now() - waitingSince < LOCK_WAIT_MS) {
          scheduled = true
          setTimeout(commitQueue, LOCK_RETRY_MS)
          return
        }
        return commitQueue(true)
      }
      results = outcome
    } catch (error) {
      // The transaction itself failed (the lock was not had in time, the commit failed): no write took effect.
      queue = []
      waitingSince = undefined
      for (const write of group) write.reject(error)
      return
    }
    queue = []
    waitingSince = undefined
    group.forEach((write, i) => {
      const { ok, value } = results[i]!
      if (ok) write.resolve(value)
      else write.reject(value)
    })
  }
  const write = <T>(run: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ run, resolve: resolve as (value: unknown) => void, reject })
      if (!scheduled) {
        scheduled = true
        setImmediate(commitQueue)
      }
    })

  /** Inside `transaction`: a write runs at once, in the transaction, while it is open. */
  const direct = async <T>(run: () => T): Promise<T> => {
    if (!open) throw new TypeError('the transaction has ended')
    return run()
  }

  class SyncSqlStatement implements SqlStatement {
    readonly #readOnly: boolean
    constructor(
      readonly sql: string,
      readonly values: SqlValue[] = [],
      readonly write: <T>(run: () => T) => Promise<T>,
    ) {
      this.#readOnly = READ_ONLY.test(sql)
    }
    bind(...values: SqlValue[]): SqlStatement {
      return new SyncSqlStatement(this.sql, values, this.write)
    }
    #rows<T>(one: boolean): T[] {
      const statement = db.prepare(this.sql)
      if (!db.isReader(statement)) {
        statement.run(...this.values)
        return []
      }
      if (!one) return statement.all(...this.values) as T[]
      const row = statement.get(...this.values) as T | undefined
      return row === undefined ? [] : [row]
    }
    async first<T>(): Promise<T | null> {
      const rows = this.#readOnly ? this.#rows<T>(true) : await this.write(() => this.#rows<T>(true))
      return rows[0] ?? null
    }
    async all<T>(): Promise<{ results: T[] }> {
      return { results: this.#readOnly ? this.#rows<T>(false) : await this.write(() => this.#rows<T>(false)) }
    }
    async run(): Promise<SqlRunResult> {
      return this.#readOnly ? runNow(this.sql, this.values) : this.write(() => runNow(this.sql, this.values))
    }
  }

  const batchOf = (statements: SqlStatement[]) => {
    for (const s of statements) if (!(s instanceof SyncSqlStatement)) throw new TypeError('batch() takes statements of this driver')
    return (statements as SyncSqlStatement[]).map((s) => runNow(s.sql, s.values))
  }
  // The driver `transaction` hands its callback; its batches are savepoints (`immediate` inside a transaction).
  const inTransaction: SqlDriver = {
    prepare: (sql) => new SyncSqlStatement(sql, [], direct),
    batch: (statements) => direct(() => db.immediate(() => batchOf(statements))),
  }

  return {
    prepare: (sql) => new SyncSqlStatement(sql, [], write),
    async batch(statements) {
      for (const s of statements) if (!(s instanceof SyncSqlStatement)) throw new TypeError('batch() takes statements of this driver')
      return write(() => batchOf(statements))
    },
    async transaction(fn) {
      if (open) throw new TypeError('a transaction is open already')
      // The writes queued before it commit first; those asked for during it wait for its end.
      commitQueue(true)
      db.exec('BEGIN IMMEDIATE')
      open = true
      try {
        const result = await fn(inTransaction)
        db.exec('COMMIT')
        return result
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw error
      } finally {
        open = false
        if (queue.length > 0 && !scheduled) {
          scheduled = true
          setImmediate(commitQueue)
        }
      }
    },
    async exec(sql) {
      commitQueue(true)
      try {
        db.exec(sql)
      } catch (error) {
        // A script that failed after its BEGIN must not leave the connection inside it.
        if (db.inTransaction) db.exec('ROLLBACK')
        throw error
      }
    },
    async close() {
      commitQueue(true)
      db.close()
    },
  }
}
