import { Worker } from 'node:worker_threads'
import { walCheckpointer } from '@grantline/sql'

/**
 * Checkpoints the WAL of the SQLite file at `path` from a worker thread (checkpoint-worker.ts)
 * every `intervalMs`. The serving connection keeps an automatic checkpoint only as a backstop, at
 * a size the worker keeps the WAL well under: an automatic checkpoint runs inside the commit that
 * crosses it, fsync included, and every request waits behind it (docs/benchmarks.md). Answers how
 * to stop it.
 */
export function startWalCheckpointer(path: string, intervalMs = 100): () => Promise<void> {
  return walCheckpointer(new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path, intervalMs } }))
}
