/** What `walCheckpointer` needs of a node:worker_threads Worker (Node and Bun both have them). */
export interface CheckpointWorker {
  ref(): void
  unref(): void
  postMessage(message: unknown): void
  once(event: 'exit', listener: () => void): unknown
  once(event: 'error', listener: (error: Error) => void): unknown
}

/**
 * Runs the WAL checkpointer of a synchronous SQLite driver: a worker thread with its own
 * connection that checkpoints the file every few milliseconds (the driver's
 * checkpoint-worker.js), so that the copy and its fsync run beside the event loop serving
 * requests, not inside one of its commits (docs/storage.md). The worker is unref'd: it never
 * keeps a process alive. Answers how to stop it: any message makes the worker close its
 * connection and exit.
 */
export function walCheckpointer(worker: CheckpointWorker): () => Promise<void> {
  worker.unref()
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  // Without it the driver's backstop checkpoints as SQLite always does; say so once.
  worker.once('error', (error) => console.error(`grantline: WAL checkpointer stopped: ${error.message}`))
  return async () => {
    // Referenced again while it stops: a process whose loop waits only on it would otherwise exit here.
    worker.ref()
    worker.postMessage('stop')
    await exited
  }
}
