import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Provider } from '@grantline/core'
import { rememberAddress } from './client-address.js'
import { type FetchHandler, toFastListener } from './fast-listener.js'
import { type RequestLogger, withRequestLog } from './request-log.js'

export interface ServeOptions {
  port?: number
  hostname?: string
  /** One line per request; `false` turns it off. Defaults to stdout. */
  log?: RequestLogger | false
  /** Runs once the server stopped accepting and every in-flight request finished (close the database here). */
  onClose?: () => void | Promise<void>
  /** Stop on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean
  /** Called when a signal started the graceful shutdown: no new connection is accepted, in-flight requests still run. */
  onSignal?: (signal: NodeJS.Signals) => void
  onListen?: (address: AddressInfo) => void
}

export interface RunningServer {
  address: AddressInfo
  /** Stops accepting, lets in-flight requests finish, then runs `onClose`. */
  close(): Promise<void>
}

type Handler = Pick<Provider, 'handle'>

function fetchOf(provider: Handler, log: RequestLogger | false | undefined): FetchHandler {
  const handle = (request: Request) => provider.handle(request)
  const logged = log === false ? handle : withRequestLog(handle, log ?? ((line) => process.stdout.write(`${line}\n`)))
  return (request, bindings) => {
    rememberAddress(request, bindings)
    return logged(request)
  }
}

/**
 * A node:http request listener for an existing server or framework (HTTP/1.1 `request` events).
 * It installs the lean Response as the global `Response` of the process (lean-response.ts).
 */
export function toNodeListener(
  provider: Handler,
  options: { log?: RequestLogger | false } = { log: false },
): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return toFastListener(fetchOf(provider, options.log))
}

/**
 * Keep-alive connections would hold `server.close()` open until their idle timeout: when closing,
 * responses still to be written say `Connection: close`, and each connection is dropped as soon
 * as its last response is out.
 */
function drainOnClose(server: HttpServer): () => void {
  const inFlight = new Set<ServerResponse>()
  let closing = false
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response)
    response.once('close', () => {
      inFlight.delete(response)
      if (closing) setImmediate(() => server.closeIdleConnections())
    })
  })
  return () => {
    closing = true
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close')
    server.closeIdleConnections()
  }
}

/**
 * Serves a provider over node:http, through the lean listener (fast-listener.ts), with graceful
 * shutdown on SIGTERM/SIGINT.
 */
export function serve(provider: Handler, options: ServeOptions = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = createServer(toFastListener(fetchOf(provider, options.log)))
    const drain = drainOnClose(server)
    let closing: Promise<void> | undefined
    const close = () => {
      closing ??= new Promise<void>((done, fail) => {
        process.off('SIGTERM', onSignal)
        process.off('SIGINT', onSignal)
        server.close((error) => (error ? fail(error) : done()))
        drain()
      }).then(() => options.onClose?.())
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
      const address = server.address() as AddressInfo
      options.onListen?.(address)
      resolve({ address, close })
    })
    server.listen(options.port ?? 8080, options.hostname ?? '127.0.0.1')
  })
}
