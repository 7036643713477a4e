import type { ResolvedConfig } from '../contracts/config.js'

/**
 * What runtimes and adapters pass `provider.handle(request, ...rest)` that names the caller:
 * Deno's `ServeHandlerInfo` (`remoteAddr.hostname`), Bun's `Server` (`requestIP(request)`), or
 * `{ clientAddress }` (what @grantline/node passes, and what any host may pass).
 */
interface AddressHints {
  clientAddress?: unknown
  remoteAddr?: { hostname?: unknown } | null
  requestIP?: unknown
}

/** `navigator.userAgent` in workerd (the `global_navigator` flag, on by default since 2022). */
const WORKERS_USER_AGENT = 'Cloudflare-Workers'

/**
 * Whether this request is served by Cloudflare Workers: the runtime says so and `handle` got the
 * Workers `ctx` (something with `waitUntil`). Only then is `CF-Connecting-IP` Cloudflare's, set
 * by its edge; anywhere else any client could send that header.
 */
export function isWorkersRequest(hasWaitUntil: boolean): boolean {
  if (!hasWaitUntil) return false
  const { navigator } = globalThis as { navigator?: { userAgent?: unknown } }
  return navigator?.userAgent === WORKERS_USER_AGENT
}

/**
 * The caller's address as the runtime reports it, or undefined when it reports none (a host that
 * calls `handle(request)` alone, a Unix socket). Rate limits key on it (RFC 6749 §10.10, RFC 6585
 * §4); behind a proxy the runtime sees the proxy, which is what `config.clientAddress` is for.
 */
export function runtimeClientAddress(request: Request, rest: readonly unknown[], workers: boolean): string | undefined {
  if (workers) return request.headers.get('cf-connecting-ip') || undefined
  for (const arg of rest) {
    if (typeof arg !== 'object' || arg === null) continue
    const hints = arg as AddressHints
    if (typeof hints.clientAddress === 'string') return hints.clientAddress || undefined
    const hostname = typeof hints.remoteAddr === 'object' ? hints.remoteAddr?.hostname : undefined
    if (typeof hostname === 'string') return hostname || undefined
    if (typeof hints.requestIP === 'function') return bunAddress(arg as { requestIP(request: Request): unknown }, request)
  }
  return undefined
}

/** Bun's `server.requestIP(request)`: a `SocketAddress`, or null for a Unix socket. Called as a method. */
function bunAddress(server: { requestIP(request: Request): unknown }, request: Request): string | undefined {
  try {
    const address = (server.requestIP(request) as { address?: unknown } | null)?.address
    return typeof address === 'string' && address !== '' ? address : undefined
  } catch {
    // A request this server did not receive (a host that built its own): no address, not a failure.
    return undefined
  }
}

/**
 * The caller's address for each request: `config.clientAddress(request)` when set (behind a
 * proxy), else what the runtime passed `handle`. The first request without one is said once
 * through `onWarning`: the limits then fall back to per client_id (RFC 6749 §10.10), which lets
 * anyone who knows a client_id lock it out.
 */
export function createClientAddress(
  config: Pick<ResolvedConfig, 'clientAddress' | 'onError' | 'onWarning'>,
): (request: Request, rest: readonly unknown[], hasWaitUntil: boolean) => string | undefined {
  let warned = false
  return (request, rest, hasWaitUntil) => {
    let address: string | undefined
    try {
      address = config.clientAddress ? config.clientAddress(request) : runtimeClientAddress(request, rest, isWorkersRequest(hasWaitUntil))
    } catch (error) {
      // A throwing hook is the host's bug: reported, and the request goes on without an address.
      report(() => config.onError?.(error, request))
    }
    if (!address && !warned) {
      warned = true
      report(() => (config.onWarning ? config.onWarning(NO_ADDRESS) : console.warn(NO_ADDRESS)))
    }
    return address || undefined
  }
}

const NO_ADDRESS =
  'grantline: a request arrived without a client address, so failed client authentications are rate-limited per client_id ' +
  '(anyone who knows a client_id can then lock that client out) and failed logins per username only. Pass the ' +
  "runtime's arguments on (provider.handle(request, ...rest)) or set clientAddress in the configuration."

/** Calls a host hook that must not fail the request, synchronously or by a rejected promise. */
function report(hook: () => unknown): void {
  try {
    Promise.resolve(hook()).catch(() => {})
  } catch {
    // Ignored: see above.
  }
}
