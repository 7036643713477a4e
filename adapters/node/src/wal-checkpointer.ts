import { Worker } from 'node:worker_threads'

/** Stops the checkpointer and closes its connection. */
export type StopCheckpointer = () => Promise<void>

/**
 * Checkpoints the WAL of the SQLite file at `path` from a worker thread (checkpoint-worker.ts)
 * every `intervalMs`. The serving connection keeps an automatic checkpoint only as a backstop, at
 * a size the worker keeps the WAL well under: an automatic checkpoint runs inside the commit that
 * crosses it, fsync included, and every request waits behind it (docs/benchmarks.md). The thread
 * is unref'd: it never keeps a process alive.
 */
export function startWalCheckpointer(path: string, intervalMs = 100): StopCheckpointer {
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path, intervalMs } })
  worker.unref()
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  // Without it the backstop checkpoints as SQLite always does; say so once.
  worker.once('error', (error) => process.stderr.write(`grantline: WAL checkpointer stopped: ${error.message}\n`))
  return async () => {
    // Referenced again while it stops: a process whose loop waits only on it would otherwise exit here.
    worker.ref()
    worker.postMessage('stop')
    await exited
  }
}
