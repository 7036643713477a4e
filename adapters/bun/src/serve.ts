import { type RunningServer as BaseRunningServer, type ServeOptions as BaseServeOptions, createTurns, type Provider } from '@grantline/core'
import type { Server } from 'bun'

/** The options every adapter's `serve()` takes (see `@grantline/core`'s ServeOptions). */
export type ServeOptions = BaseServeOptions<NodeJS.Signals>

export interface RunningServer extends BaseRunningServer {
  server: Server<undefined>
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/**
 * Serves a provider with `Bun.serve`, handing the requests of one pass of the event loop to the
 * core together (`createTurns`). SIGTERM and SIGINT (or `signal`) stop it gracefully:
 * `server.stop()` closes the listener and waits for in-flight requests, then `onClose` runs.
 * Resolves once listening, as every adapter's `serve()` does.
 */
export async function serve(provider: Pick<Provider, 'handle'>, options: ServeOptions = {}): Promise<RunningServer> {
  const turns = createTurns()
  const server = Bun.serve({
    port: options.port ?? 8080,
    hostname: options.hostname ?? '127.0.0.1',
    // The core asks `bunServer.requestIP(request)` for the client address, as with Bun.serve({ fetch: provider.handle }).
    fetch: (request, bunServer) =>
      new Promise<Response>((resolve, reject) =>
        turns(() => {
          // A handler that throws before returning its promise fails its own request alone.
          try {
            resolve(provider.handle(request, bunServer))
          } catch (error) {
            reject(error)
          }
        }),
      ),
  })
  const stopped = Promise.withResolvers<void>()
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      for (const signal of SIGNALS) process.off(signal, onSignal)
      await server.stop()
      await options.onClose?.()
    })().finally(() => stopped.resolve())
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
  options.signal?.addEventListener('abort', () => void close(), { once: true })
  const address = { hostname: server.hostname ?? options.hostname ?? '127.0.0.1', port: server.port ?? 0 }
  options.onListen?.(address)
  return { address, server, close, finished: stopped.promise }
}
