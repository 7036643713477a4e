import { type CsrfPurpose, signFor, verifyFor } from '../html/csrf.js'
import { base64url, randomBytes } from '../primitives/crypto.js'
import { CSRF_COOKIE, cookie, readCookie } from './cookies.js'

/** Which form a CSRF value is for, so a login value cannot be replayed on the logout form. */
export type FormPurpose = Extract<CsrfPurpose, 'login-form' | 'logout-form'>

/**
 * The `gl_csrf` cookie of a request, or a new one with the `Set-Cookie` that plants it. The forms
 * carry `signFor(secrets, purpose, cookie)`: a signed double submit, as Django's CSRF middleware
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

/** The form's CSRF value for the request's `gl_csrf` cookie value. */
export function formCsrf(secrets: readonly string[], purpose: FormPurpose, cookieValue: string): Promise<string> {
  return signFor(secrets, purpose, cookieValue)
}

/** True when the posted value matches the request's `gl_csrf` under any configured secret. */
export async function checkFormCsrf(
  secrets: readonly string[],
  purpose: FormPurpose,
  request: Request,
  presented: string | undefined,
): Promise<boolean> {
  const cookieValue = readCookie(request, CSRF_COOKIE)
  // Without the cookie there is nothing to bind to: the value would be the same for everyone.
  if (!cookieValue || !presented) return false
  return verifyFor(secrets, purpose, presented, cookieValue)
}
