import { base64url, hmac, randomBytes, timingSafeEqual } from '../crypto.js'
import { CSRF_COOKIE, cookie, readCookie } from './cookies.js'

/** Which form a CSRF value is for, so a login value cannot be replayed on the logout form. */
export type FormPurpose = 'login' | 'logout'

/**
 * The `gl_csrf` cookie of a request, or a new one with the `Set-Cookie` that plants it. The forms
 * carry HMAC(secrets[0], purpose | cookie): a signed double submit, as Django's CSRF middleware
 * binds its form token to the `csrftoken` cookie.
 */
export function csrfCookie(request: Request, secure: boolean): { value: string; setCookie?: string } {
  const existing = readCookie(request, CSRF_COOKIE)
  if (existing) return { value: existing }
  return renewCsrfCookie(secure)
}

/** A fresh `gl_csrf` (Django rotates its CSRF token at login too). */
export function renewCsrfCookie(secure: boolean): { value: string; setCookie: string } {
  const value = base64url(randomBytes(32))
  return { value, setCookie: cookie(CSRF_COOKIE, value, { secure }) }
}

export function formCsrf(secrets: readonly string[], purpose: FormPurpose, cookieValue: string): Promise<string> {
  return hmac(secrets[0] as string, `${purpose}|${cookieValue}`)
}

/** True when the posted value matches the request's `gl_csrf` under any configured secret. */
export async function checkFormCsrf(
  secrets: readonly string[],
  purpose: FormPurpose,
  request: Request,
  presented: string | undefined,
): Promise<boolean> {
  const cookieValue = readCookie(request, CSRF_COOKIE)
  if (!cookieValue || !presented) return false
  for (const secret of secrets) {
    if (timingSafeEqual(await hmac(secret, `${purpose}|${cookieValue}`), presented)) return true
  }
  return false
}
