import { buildResponse } from './grantline-response.js'

/** RFC 6749 §5.1: responses carrying tokens or credentials must not be cached. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const

// Frozen: shared by every JSON response, and a frozen record lets the Node listener convert it once.
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': 'application/json;charset=UTF-8', ...NO_STORE })

// The same headers for a platform Response, built on first use.
let jsonPlatformHeaders: Headers | undefined

export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  if (headers) return buildResponse(JSON.stringify(body), status, { ...JSON_HEADERS, ...headers })
  // The Response copies its init headers (a GrantlineResponse on first change), so the shared ones are never changed.
  jsonPlatformHeaders ??= new Headers(JSON_HEADERS)
  return buildResponse(JSON.stringify(body), status, JSON_HEADERS, jsonPlatformHeaders)
}

export function redirect(location: string, status: 302 | 303 = 303, headers: Record<string, string> = {}): Response {
  return buildResponse(null, status, { location, ...NO_STORE, ...headers })
}

/** Appends response parameters to a redirect URI, in its query or its fragment (RFC 6749 §4.1.2, §4.2.2). */
export function withParams(uri: string, params: Record<string, string | undefined>, mode: 'query' | 'fragment'): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.append(name, value)
  if (mode === 'fragment') return `${uri}#${search}`
  return `${uri}${uri.includes('?') ? '&' : '?'}${search}`
}
