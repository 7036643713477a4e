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

/** The token of an `Authorization: Bearer` or (RFC 9449 §7.1) `Authorization: DPoP` header, as `bearerToken` reads it. */
export function presentedToken(request: Request): { value: string; dpop: boolean } | undefined | 'malformed' {
  const header = request.headers.get('authorization')
  if (!header || !/^dpop(\s|$)/i.test(header)) {
    const bearer = bearerToken(request)
    return bearer === undefined || bearer === 'malformed' ? bearer : { value: bearer, dpop: false }
  }
  const value = header.slice(4).trim()
  return B64TOKEN.test(value) ? { value, dpop: true } : 'malformed'
}
