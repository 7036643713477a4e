/** What `walCheckpointer` needs of a node:worker_threads Worker (Node and Bun both have them). */
export interface CheckpointWorker {
  ref(): void
  unref(): void
  postMessage(message: unknown): void
  once(event: 'exit', listener: () => void): unknown
  once(event: 'error', listener: (error: Error) => void): unknown
}

/** What the worker is started with: the file, and how often to checkpoint it. */
export interface CheckpointWorkerData {
  path: string
  intervalMs: number
}

const INTERVAL_MS = 100
/** The WAL size (pages) at which a commit checkpoints by itself: a backstop; the worker keeps the WAL well under it. */
const BACKSTOP_PAGES = 16_000

/**
 * The WAL checkpointer of a synchronous SQLite driver (sqliteDriver on Node, bunSqliteDriver on
 * Bun) for the database file at `path`: `spawn` starts the driver's checkpoint-worker.js, a
 * worker thread with its own connection that checkpoints every 100 ms (PASSIVE), so that the
 * copy and its fsync run beside the event loop serving requests, not inside one of its commits;
 * `pragma` moves the serving connection's own automatic checkpoint out to a backstop (an automatic
 * checkpoint runs inside the commit that crosses it, and every request waits behind it;
 * docs/storage.md). The worker is unref'd: it never keeps a process alive. Answers how to stop
 * it (any message makes the worker close its connection and exit), or undefined for an
 * in-memory database, which has no WAL to share.
 */
export function walCheckpointer(
  path: string,
  spawn: (workerData: CheckpointWorkerData) => CheckpointWorker,
  pragma: (sql: string) => unknown,
): (() => Promise<void>) | undefined {
  if (path === '' || path === ':memory:' || path.startsWith('file::memory:')) return undefined
  const worker = spawn({ path, intervalMs: INTERVAL_MS })
  worker.unref()
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  // Without it the backstop checkpoints as SQLite always does; say so once.
  worker.once('error', (error) => console.error(`grantline: WAL checkpointer stopped: ${error.message}`))
  pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)
  return async () => {
    // Referenced again while it stops: a process whose loop waits only on it would otherwise exit here.
    worker.ref()
    worker.postMessage('stop')
    await exited
  }
}
