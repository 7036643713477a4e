import { hmac, timingSafeEqual } from '../crypto.js'

const message = (sessionId: string) => `manage|${sessionId}`

/** The management forms' CSRF value: HMAC(secrets[0], 'manage|' + session id), bound to the session. */
export function manageCsrf(secrets: readonly string[], sessionId: string): Promise<string> {
  return hmac(secrets[0] as string, message(sessionId))
}

/** Accepts a value made with any configured secret, so secrets rotate by prepending. */
export async function checkManageCsrf(secrets: readonly string[], sessionId: string, presented: string): Promise<boolean> {
  for (const secret of secrets) {
    if (timingSafeEqual(await hmac(secret, message(sessionId)), presented)) return true
  }
  return false
}
