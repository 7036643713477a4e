import { hmac, timingSafeEqual } from '../../crypto.js'

/** The consent form's CSRF value: HMAC(secrets[0], interaction id | session id). */
export function consentCsrf(secrets: readonly string[], interactionId: string, sessionId: string): Promise<string> {
  return hmac(secrets[0] as string, `${interactionId}|${sessionId}`)
}

/** Accepts a value made with any configured secret, so secrets rotate by prepending. */
export async function checkConsentCsrf(
  secrets: readonly string[],
  interactionId: string,
  sessionId: string,
  presented: string,
): Promise<boolean> {
  for (const secret of secrets) {
    if (timingSafeEqual(await hmac(secret, `${interactionId}|${sessionId}`), presented)) return true
  }
  return false
}
