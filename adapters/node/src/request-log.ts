/**
 * One line per request: time, method, path, status, duration. Only the path is printed: query
 * strings carry codes and state, and bodies and headers carry secrets, so neither is ever logged.
 */
export type RequestLogger = (line: string) => void

export function logLine(request: Request, status: number, startedAt: number): string {
  const pathname = pathOf(request.url)
  const ms = (performance.now() - startedAt).toFixed(1)
  return `${new Date().toISOString()} ${request.method} ${pathname} ${status} ${ms}ms`
}

/**
 * The path to print, or `-` for a URL that does not parse. The lean listener refuses such a Host
 * before the handler runs; this keeps the line of a 500 from ever being lost to the logger
 * throwing inside its own catch.
 */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return '-'
  }
}

/** Wraps a fetch handler so each request writes one log line. */
export function withRequestLog(handle: (request: Request) => Promise<Response>, log: RequestLogger) {
  return async (request: Request): Promise<Response> => {
    const startedAt = performance.now()
    try {
      const response = await handle(request)
      log(logLine(request, response.status, startedAt))
      return response
    } catch (error) {
      log(logLine(request, 500, startedAt))
      throw error
    }
  }
}
