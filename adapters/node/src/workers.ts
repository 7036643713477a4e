import cluster, { type Worker } from 'node:cluster'
import type { RunningServer } from './serve.js'

export interface WorkersOptions<T> {
  /** How many processes serve; node:cluster shares the one port among them. */
  workers: number
  /**
   * In each worker: builds a provider over a database every worker shares (SQLite file,
   * PostgreSQL; never memory storage) and serves it, with `handleSignals: false`. `ready` goes to
   * the primary's `onReady`.
   */
  start(): Promise<{ server: RunningServer; ready?: T }>
  /** In the primary, once every worker is ready, with the first worker's `ready`. */
  onReady?(ready: T | undefined): void
  /** In the primary: SIGTERM or SIGINT began the shutdown of every worker. */
  onSignal?(signal: NodeJS.Signals): void
  /** In the primary: a worker that was serving died, and another takes its place. */
  onReplace?(exit: { code: number | null; signal: string | null }): void
}

/** The primary's message that asks a worker to stop, and a worker's that it is ready. */
const STOP = 'grantline:stop'
const READY = 'grantline:ready'

/**
 * Serves on several processes, as gunicorn's workers do for DOT: call it at the top level of the
 * program; in the primary it forks, in each worker it runs `start`. The first worker starts alone,
 * so that first-run work (migrations, demo data) happens once, then the others. A worker that dies
 * after it was ready is replaced; one that dies before fails the start (the promise rejects), as
 * does a replacement failing when no worker is left. SIGTERM or SIGINT stops every worker
 * gracefully (each finishes its requests in flight and closes its database); the promise resolves
 * once they are gone. In a worker it resolves once the worker serves.
 */
export async function serveWorkers<T>(options: WorkersOptions<T>): Promise<void> {
  if (cluster.isWorker) return runWorker(options)
  let stopping = false
  const live = new Set<Worker>()
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  // Rejected when a worker could not be replaced and none is left: the primary then fails.
  let lost: (error: Error) => void = () => {}
  const allLost = new Promise<never>((_, reject) => {
    lost = reject
  })
  allLost.catch(() => {})

  const fork = () =>
    new Promise<{ worker: Worker; ready: T | undefined }>((resolve, reject) => {
      const worker = cluster.fork()
      live.add(worker)
      const early = (code: number | null, signal: string | null) => {
        live.delete(worker)
        reject(new Error(`a worker exited before it was ready (${signal ?? `status ${code}`})`))
      }
      worker.once('exit', early)
      worker.on('message', (message: { type?: unknown; ready?: T }) => {
        if (message?.type !== READY) return
        // A worker that started while all were stopping may have missed the request.
        if (stopping && worker.isConnected()) worker.send(STOP)
        worker.off('exit', early)
        worker.once('exit', (code, signal) => {
          live.delete(worker)
          if (stopping) return
          options.onReplace?.({ code, signal })
          fork().catch((error: Error) => {
            if (stopping) return
            process.stderr.write(`grantline: cannot replace a worker: ${error.message}\n`)
            if (live.size === 0) lost(new Error('every worker has exited'))
          })
        })
        resolve({ worker, ready: message.ready })
      })
    })

  const stopAll = () => {
    stopping = true
    const gone = [...live].map((worker) => new Promise((resolve) => worker.once('exit', resolve)))
    for (const worker of live) if (worker.isConnected()) worker.send(STOP)
    return Promise.all(gone)
  }

  let first: T | undefined
  try {
    first = (await fork()).ready
    await Promise.all(Array.from({ length: options.workers - 1 }, fork))
  } catch (error) {
    await stopAll()
    throw error
  }
  // A signal that came during the start is handled now, once every worker can stop gracefully.
  options.onReady?.(first)
  // Awaited on its own line: `onSignal?.(await signalled)` would skip the await when there is no onSignal.
  const signal = await Promise.race([signalled, allLost])
  options.onSignal?.(signal)
  await stopAll()
}

async function runWorker<T>(options: WorkersOptions<T>): Promise<void> {
  // The primary may ask a worker to stop while it is still starting: it stops once it can.
  let stop = () => {
    stopped = true
  }
  let stopped = false
  // A terminal's Ctrl-C reaches every process of the group: the primary stops the workers.
  process.on('SIGINT', () => {})
  process.once('SIGTERM', () => stop())
  process.on('message', (message) => {
    if (message === STOP) stop()
  })
  const { server, ready } = await options.start()
  stop = () => {
    server.close().finally(() => {
      if (process.connected) process.disconnect()
    })
  }
  if (stopped) stop()
  else process.send?.({ type: READY, ready })
}
