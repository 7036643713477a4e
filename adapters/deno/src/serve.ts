import type { RunningServer as BaseRunningServer, ServeOptions as BaseServeOptions, Provider } from '@grantline/core'

/** The options every adapter's `serve()` takes (see `@grantline/core`'s ServeOptions), with Deno's signal and address types. */
export type ServeOptions = BaseServeOptions<Deno.Signal, Deno.NetAddr>

export interface RunningServer extends BaseRunningServer {
  address: Deno.NetAddr
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
