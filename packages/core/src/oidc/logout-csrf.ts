import { hmac, timingSafeEqual } from '../crypto.js'

/** The logout confirmation's CSRF value: HMAC(secrets[0], 'logout|' + session id). */
export function logoutCsrf(secrets: readonly string[], sessionId: string): Promise<string> {
  return hmac(secrets[0] as string, `logout|${sessionId}`)
}

/** Accepts a value made with any configured secret, so secrets rotate by prepending. */
export async function checkLogoutCsrf(secrets: readonly string[], sessionId: string, presented: string): Promise<boolean> {
  for (const secret of secrets) {
    if (timingSafeEqual(await hmac(secret, `logout|${sessionId}`), presented)) return true
  }
  return false
}
