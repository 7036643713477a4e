import type { Server, ServerOptions } from 'node:http'

/**
 * How long a client may take and how many may connect at once: without these, node:http holds a
 * request whose body trickles in for 300 s, and connections are unlimited, so a few thousand
 * partial bodies cost hundreds of megabytes. Times in milliseconds; 0 turns a timeout or the cap off.
 */
export interface ConnectionLimits {
  /**
   * The most time to receive a whole request, headers and body (node's `requestTimeout`);
   * then the answer is 408 and the connection closes. Default 30 s: every Grantline body is at
   * most 64 KiB, seconds even on a slow mobile link, and 30 s is gunicorn's worker timeout.
   */
  requestTimeout?: number
  /**
   * The most time to receive the request's headers (node's `headersTimeout`, at most
   * `requestTimeout`). Default 10 s, or `requestTimeout` when that is shorter: a header block is a
   * few hundred bytes.
   */
  headersTimeout?: number
  /**
   * How long an idle keep-alive connection stays open (node's `keepAliveTimeout`). Default 5 s,
   * node's own; behind a load balancer, set it above the balancer's idle timeout.
   */
  keepAliveTimeout?: number
  /**
   * The most open connections of this process (node's `server.maxConnections`); one more is
   * closed as soon as it is accepted. Default 1024: a slow client holds at most one 64 KiB body
   * plus socket buffers, so the cap bounds that memory to tens of megabytes, while staying far
   * above what one process serves at once (the benchmark drives it with 32). With `serveWorkers`,
   * per worker.
   */
  maxConnections?: number
}

export const CONNECTION_LIMITS = { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, maxConnections: 1024 }

/** node:http checks the timeouts on an interval (default 30 s, which would double them): a quarter of the shorter one. */
const MAX_CHECK_INTERVAL_MS = 30_000
const MIN_CHECK_INTERVAL_MS = 50

/** The node:http server options for these limits. */
export function serverOptionsOf(limits: ConnectionLimits): ServerOptions {
  const requestTimeout = limits.requestTimeout ?? CONNECTION_LIMITS.requestTimeout
  const headersDefault = requestTimeout > 0 ? Math.min(CONNECTION_LIMITS.headersTimeout, requestTimeout) : CONNECTION_LIMITS.headersTimeout
  const headersTimeout = limits.headersTimeout ?? headersDefault
  const shortest = Math.min(...[requestTimeout, headersTimeout].filter((ms) => ms > 0))
  return {
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeout ?? CONNECTION_LIMITS.keepAliveTimeout,
    connectionsCheckingInterval: Number.isFinite(shortest)
      ? Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, Math.floor(shortest / 4)))
      : MAX_CHECK_INTERVAL_MS,
  }
}

/** Caps the server's connections (0: no cap). */
export function capConnections(server: Server, limits: ConnectionLimits): void {
  const max = limits.maxConnections ?? CONNECTION_LIMITS.maxConnections
  if (max > 0) server.maxConnections = max
}
