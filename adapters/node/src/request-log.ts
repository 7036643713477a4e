/**
 * One line per request: time, method, path, status, duration. Only the path is printed: query
 * strings carry codes and state, and bodies and headers carry secrets, so neither is ever logged.
 */
export type RequestLogger = (line: string) => void

export function logLine(request: Request, status: number, startedAt: number): string {
  const { pathname } = new URL(request.url)
  const ms = (performance.now() - startedAt).toFixed(1)
  return `${new Date().toISOString()} ${request.method} ${pathname} ${status} ${ms}ms`
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
