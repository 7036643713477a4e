// The WAL checkpointer of `bunSqliteDriver`, as checkpoint-worker.ts is of the Node driver: a
// worker thread with its own connection that copies the WAL back into the database file every
// `intervalMs`, so that the copy and its fsync run beside the event loop serving requests, not
// inside one of its commits. PASSIVE waits for no one.

import { Database } from 'bun:sqlite'
import { parentPort, workerData } from 'node:worker_threads'
import type { CheckpointWorkerData } from '@grantline/sql'

const { path, intervalMs } = workerData as CheckpointWorkerData
const db = new Database(path)
const timer = setInterval(() => {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)')
  } catch {
    // A busy or closing database: the next tick tries again.
  }
}, intervalMs)
parentPort?.once('message', () => {
  clearInterval(timer)
  db.close()
  parentPort?.close()
})
