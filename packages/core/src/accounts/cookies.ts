/** The session cookie: a 256-bit random id, stored server-side by its SHA-256. */
export const SESSION_COOKIE = 'gl_session'
/** The pre-session cookie the forms' CSRF values are bound to (double submit, signed). */
export const CSRF_COOKIE = 'gl_csrf'

/** A cookie value as this module makes them: base64url of 32 random bytes. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/

/**
 * The first well-formed value of the named cookie (RFC 6265 §5.4 sends longer paths first). A
 * malformed one is ignored rather than trusted, so nothing but our own shape reaches a lookup.
 */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie')
  if (!header) return undefined
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=')
    if (at === -1 || pair.slice(0, at).trim() !== name) continue
    const value = pair.slice(at + 1).trim()
    if (TOKEN.test(value)) return value
  }
  return undefined
}

/**
 * A `Set-Cookie` value: `HttpOnly; SameSite=Lax; Path=/`, plus `Secure` on https. `maxAge`
 * undefined makes a browser-session cookie, 0 expires it (RFC 6265 §4.1).
 */
export function cookie(name: string, value: string, options: { secure: boolean; maxAge?: number }): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax']
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`)
  if (options.secure) parts.push('Secure')
  return parts.join('; ')
}

/** `Secure` when configured, else when the request arrived over https. */
export function isSecure(request: Request, secureCookies: boolean | undefined): boolean {
  return secureCookies ?? new URL(request.url).protocol === 'https:'
}
