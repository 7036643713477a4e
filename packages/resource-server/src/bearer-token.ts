/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * RFC 6750 §2.1: the token of an `Authorization: Bearer` header; `undefined` when the request
 * carries none (another scheme counts as none), `'malformed'` when the credentials are not one
 * b64token (two Authorization headers, joined by the Fetch API, are malformed too).
 */
export function bearerToken(request: Request): string | undefined | 'malformed' {
  const header = request.headers.get('authorization')
  if (!header || !/^bearer(\s|$)/i.test(header)) return undefined
  const value = header.slice(6).trim()
  return B64TOKEN.test(value) ? value : 'malformed'
}
