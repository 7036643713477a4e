import { connectionLost } from './postgres-reserved.js'

let installed = false

/** Node's --unhandled-rejections mode, from the command line or NODE_OPTIONS; `throw` by default. */
function unhandledRejectionsMode(): string {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
  const flag = flags.find((arg) => arg.startsWith('--unhandled-rejections='))
  return flag?.slice('--unhandled-rejections='.length) ?? 'throw'
}

/**
 * The `postgres` package reads each new connection's array types through a promise nobody
 * awaits: when the server ends the connection meanwhile (a failover, an administrator's
 * `pg_terminate_backend`), that promise rejects unhandled, which ends a Node process. Such a
 * rejection, a lost connection's error, becomes a warning instead: the queries that waited on the
 * connection fail on their own, and the pool opens another. Any other unhandled rejection is
 * thrown as Node would throw it, unless the process has listeners of its own or another mode.
 */
export function absorbLostConnectionRejections(): void {
  if (installed) return
  installed = true
  process.on('unhandledRejection', (reason) => {
    if (connectionLost(reason)) {
      process.emitWarning(`a database connection was lost while it opened: ${(reason as Error).message}`, {
        code: 'GRANTLINE_POSTGRES_CONNECTION_LOST',
      })
      return
    }
    if (process.listenerCount('unhandledRejection') === 1 && unhandledRejectionsMode() === 'throw') throw reason
  })
}
