import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { SqlDriver } from '@grantline/sql'

const WORKER = fileURLToPath(new URL('../workers/sqlite-worker.mjs', import.meta.url))

// Time for the workers' first statements to reach SQLite and queue on the lock after they said
// 'started'; generous, since a statement that is late only weakens the race, never fails it.
const SETTLE_MS = 300

export type WorkerOp =
  | { op: 'consume' | 'naive-consume'; kind: 'code' | 'interaction'; key: string; now: number }
  | { op: 'rotate'; oldHash: string; next: unknown; now: number; grace: number }
  | { op: 'migrate' }

function message<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (value) => resolve(value as T))
    child.once('error', reject)
    // 'close', not 'exit': a child's exit can be reported before the last message it sent is read.
    child.once('close', (code) => reject(new Error(`worker exited with ${code} before answering`)))
  })
}

/**
 * Runs `ops[i]` in worker process i, every process on the database file `path`. The barrier:
 * `holder` (a connection of the parent on the same file) takes the write lock, the workers start,
 * and only once every one of them is running (and so waiting on the lock in SQLite's busy
 * handler) is the lock released, so their writes contend for real. Answers every op's status.
 */
export async function raceProcesses(path: string, holder: SqlDriver, ops: WorkerOp[][]): Promise<string[]> {
  const children = ops.map(() => fork(WORKER, [path], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))
  let locked = false
  try {
    await Promise.all(children.map((child) => message<string>(child)))
    await holder.exec?.('BEGIN IMMEDIATE')
    locked = true
    const started = children.map((child) => message<string>(child))
    for (const [i, child] of children.entries()) child.send({ ops: ops[i] })
    await Promise.all(started)
    const answers = children.map((child) => message<string[]>(child))
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    await holder.exec?.('COMMIT')
    locked = false
    return (await Promise.all(answers)).flat()
  } finally {
    if (locked) await holder.exec?.('ROLLBACK')
    for (const child of children) if (child.exitCode === null) child.kill()
  }
}
