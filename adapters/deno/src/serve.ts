import type { Provider } from '@grantline/core'

export interface ServeOptions {
  /** Default 8080; 0 lets the system pick a free port. */
  port?: number
  /** Default `127.0.0.1`: put a TLS-terminating proxy in front to serve the world. */
  hostname?: string
  onListen?: (address: Deno.NetAddr) => void
  /** Aborting it starts the same graceful shutdown as a signal. */
  signal?: AbortSignal
  /** Stop on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean
  /** Called when a signal starts the graceful shutdown, before in-flight requests finish. */
  onSignal?: (signal: Deno.Signal) => void
  /** Runs once every in-flight request finished (close the Deno.Kv here). */
  onClose?: () => void | Promise<void>
}

export interface RunningServer {
  address: Deno.NetAddr
  /** Stops accepting, lets in-flight requests finish, then runs `onClose`. */
  close(): Promise<void>
  /** Settles when the server has stopped, whatever stopped it. */
  finished: Promise<void>
}

const SIGNALS: Deno.Signal[] = ['SIGTERM', 'SIGINT']

/**
 * Serves a provider with `Deno.serve`. SIGTERM and SIGINT stop it gracefully: the listener closes,
 * in-flight requests finish (`server.shutdown()`), then `onClose` runs. Resolves once listening.
 */
export async function serve(provider: Pick<Provider, 'handle'>, options: ServeOptions = {}): Promise<RunningServer> {
  const listening = Promise.withResolvers<Deno.NetAddr>()
  const server = Deno.serve(
    {
      port: options.port ?? 8080,
      hostname: options.hostname ?? '127.0.0.1',
      onListen: (address) => listening.resolve(address as Deno.NetAddr),
    },
    // `info.remoteAddr` is the client address the core's rate limits count by, as with Deno.serve(provider.handle).
    (request, info) => provider.handle(request, info),
  )
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= server.shutdown().then(() => options.onClose?.())
    return closing
  }
  const listeners = SIGNALS.map((signal) => {
    const listener = () => {
      options.onSignal?.(signal)
      close().then(
        () => Deno.exit(0),
        () => Deno.exit(1),
      )
    }
    return [signal, listener] as const
  })
  if (options.handleSignals !== false) for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener)
  const finished = server.finished.finally(() => {
    if (options.handleSignals !== false) for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener)
  })
  options.signal?.addEventListener('abort', () => void close(), { once: true })
  const address = await listening.promise
  options.onListen?.(address)
  return { address, close, finished }
}
