import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RunningServer as BaseRunningServer, ServeOptions as BaseServeOptions, ListenAddress, Provider } from '@grantline/core'
import { clientAddress, rememberAddress } from './client-address.js'
import { type ConnectionLimits, capConnections, serverOptionsOf } from './connection-limits.js'
import { type FetchHandler, toFastListener } from './fast-listener.js'
import { type RequestLogger, withRequestLog } from './request-log.js'

/** The options every adapter's `serve()` takes (see `@grantline/core`'s ServeOptions), with connection limits and a request log. */
export interface ServeOptions extends BaseServeOptions<NodeJS.Signals, NodeAddress>, ConnectionLimits {
  /** One line per request; `false` turns it off. Defaults to stdout. */
  log?: RequestLogger | false
}

/** node:net's address, with the `hostname` every adapter's RunningServer names. */
export type NodeAddress = AddressInfo & ListenAddress

export interface RunningServer extends BaseRunningServer {
  address: NodeAddress
}

type Handler = Pick<Provider, 'handle'>

/** How often a closing server looks for connections that became idle. */
const DRAIN_SWEEP_MS = 20

function fetchOf(provider: Handler, log: RequestLogger | false | undefined): FetchHandler {
  // The TCP peer, for the core's rate limits; createProvider's clientAddress replaces it behind a proxy.
  const handle = (request: Request) => provider.handle(request, { clientAddress: clientAddress(request) })
  const logged = log === false ? handle : withRequestLog(handle, log ?? ((line) => process.stdout.write(`${line}\n`)))
  return (request, bindings) => {
    rememberAddress(request, bindings)
    return logged(request)
  }
}

/**
 * A node:http request listener for an existing server or framework (HTTP/1.1 `request` events).
 * It changes no global of the process: a host's own `Response`, `Request` and `Headers` stay the
 * platform's, before and after.
 */
export function toNodeListener(
  provider: Handler,
  options: { log?: RequestLogger | false } = { log: false },
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return toFastListener(fetchOf(provider, options.log))
}

/**
 * Serves a provider over node:http, through the lean listener (fast-listener.ts), with graceful
 * shutdown on SIGTERM/SIGINT, request and header timeouts and a connection cap (connection-limits.ts).
 */
export function serve(provider: Handler, options: ServeOptions = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let draining = false
    const server = createServer(
      serverOptionsOf(options),
      toFastListener(fetchOf(provider, options.log), { closing: () => draining, inTurns: true }),
    )
    // A client that half-closes after its request (HTTP/1.0 style) still gets the answer, which
    // comes a moment later when answered in turns; node:http then ends the connection after it.
    // (node:http's own setting, read when a client half-closes; @types/node does not list it.)
    Object.assign(server, { httpAllowHalfOpen: true })
    capConnections(server, options)
    let closing: Promise<void> | undefined
    let stop = () => {}
    const finished = new Promise<void>((resolve) => {
      stop = resolve
    })
    const close = () => {
      closing ??= new Promise<void>((done, fail) => {
        process.off('SIGTERM', onSignal)
        process.off('SIGINT', onSignal)
        // Keep-alive connections would hold server.close() open until their idle timeout: from
        // here on each response says Connection: close and ends its connection, and connections
        // with no request in flight are closed now and as they become idle.
        draining = true
        const sweep = setInterval(() => server.closeIdleConnections(), DRAIN_SWEEP_MS)
        server.close((error) => {
          clearInterval(sweep)
          if (error) fail(error)
          else done()
        })
        server.closeIdleConnections()
      })
        .then(() => options.onClose?.())
        .finally(stop)
      return closing
    }
    const onSignal = (signal: NodeJS.Signals) => {
      const closed = close()
      // Called once the listening socket is closed: from here on new connections are refused.
      options.onSignal?.(signal)
      closed.then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    server.once('error', reject)
    server.once('listening', () => {
      server.off('error', reject)
      // After start-up an error of the listening socket is logged, not thrown from an event emitter.
      server.on('error', (error) => process.stderr.write(`grantline: server error: ${error.message}\n`))
      if (options.handleSignals !== false) {
        process.on('SIGTERM', onSignal)
        process.on('SIGINT', onSignal)
      }
      const info = server.address() as AddressInfo
      const address = { ...info, hostname: info.address }
      options.signal?.addEventListener('abort', () => void close(), { once: true })
      options.onListen?.(address)
      resolve({ address, close, finished })
    })
    server.listen(options.port ?? 8080, options.hostname ?? '127.0.0.1')
  })
}
