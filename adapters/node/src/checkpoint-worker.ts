// The WAL checkpointer of `sqliteDriver`: a worker thread with its own connection that copies the
// WAL back into the database file every `intervalMs`, so that the copy and its fsync run beside
// the event loop serving requests, not inside one of its commits. PASSIVE waits for no one.
import { parentPort, workerData } from 'node:worker_threads'
import type { CheckpointWorkerData } from '@grantline/sql'
import Database from 'better-sqlite3'

const { path, intervalMs } = workerData as CheckpointWorkerData
const db = new Database(path)
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // A busy or closing database: the next tick tries again.
  }
}
const timer = setInterval(checkpoint, intervalMs)
parentPort?.once('message', () => {
  clearInterval(timer)
  db.close()
  parentPort?.close()
})
