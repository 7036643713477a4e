import type { Provider } from '@grantline/core'
import type { Server } from 'bun'

export interface ServeOptions {
  /** Default 8080; 0 lets the system pick a free port. */
  port?: number
  /** Default `127.0.0.1`: put a TLS-terminating proxy in front to serve the world. */
  hostname?: string
  onListen?: (address: { hostname: string; port: number }) => void
  /** Stop on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean
  /** Called when a signal starts the graceful shutdown, before in-flight requests finish. */
  onSignal?: (signal: NodeJS.Signals) => void
  /** Runs once every in-flight request finished (close the database here). */
  onClose?: () => void | Promise<void>
}

export interface RunningServer {
  address: { hostname: string; port: number }
  server: Server<undefined>
  /** Stops accepting, lets in-flight requests finish (`server.stop()`), then runs `onClose`. */
  close(): Promise<void>
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/**
 * Serves a provider with `Bun.serve`. SIGTERM and SIGINT stop it gracefully: `server.stop()`
 * closes the listener and waits for in-flight requests, then `onClose` runs.
 */
export function serve(provider: Pick<Provider, 'handle'>, options: ServeOptions = {}): RunningServer {
  const server = Bun.serve({
    port: options.port ?? 8080,
    hostname: options.hostname ?? '127.0.0.1',
    // The core asks `bunServer.requestIP(request)` for the client address, as with Bun.serve({ fetch: provider.handle }).
    fetch: (request, bunServer) => provider.handle(request, bunServer),
  })
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      for (const signal of SIGNALS) process.off(signal, onSignal)
      await server.stop()
      await options.onClose?.()
    })()
    return closing
  }
  const onSignal = (signal: NodeJS.Signals) => {
    options.onSignal?.(signal)
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  if (options.handleSignals !== false) for (const signal of SIGNALS) process.on(signal, onSignal)
  const address = { hostname: server.hostname ?? options.hostname ?? '127.0.0.1', port: server.port ?? 0 }
  options.onListen?.(address)
  return { address, server, close }
}
