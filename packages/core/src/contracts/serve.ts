import type { Provider } from './provider.js'
/** Where a server listens. */
export interface ListenAddress {
  hostname: string
  port: number
}

/**
 * The options every runtime adapter's `serve()` takes, the same on Node, Deno and Bun (Node adds
 * connection limits and a request log). SIGTERM and SIGINT, or `signal`, start a graceful
 * shutdown: no new connection, in-flight requests finish, then `onClose` runs.
 */
export interface ServeOptions<Signal extends string = string, Address extends ListenAddress = ListenAddress> {
  /** Default 8080; 0 lets the system pick a free port. */
  port?: number
  /** Default `127.0.0.1`: put a TLS-terminating proxy in front to serve the world. */
  hostname?: string
  /** Aborting it starts the graceful shutdown, as a signal does (without exiting the process). */
  signal?: AbortSignal
  /** Stop on SIGTERM and SIGINT, then exit the process (default true). */
  handleSignals?: boolean
  /** Called when a signal starts the graceful shutdown, before in-flight requests finish. */
  onSignal?: (signal: Signal) => void
  onListen?: (address: Address) => void
  /** Runs once every in-flight request finished (close the database here). */
  onClose?: () => void | Promise<void>
}

/** A listening server, whichever runtime serves it. */
export interface RunningServer {
  address: ListenAddress
  /** Stops accepting, lets in-flight requests finish, then runs `onClose`. */
  close(): Promise<void>
  /** Settles once the server has stopped, whatever stopped it. */
  finished: Promise<void>
}

/** An adapter's `serve()`: resolves once listening. */
export type Serve<Options extends ServeOptions = ServeOptions, Running extends RunningServer = RunningServer> = (
  provider: Pick<Provider, 'handle'>,
  options?: Options,
) => Promise<Running>
