import { hmac, timingSafeEqual } from '../primitives/crypto.js'

/**
 * What a signed value is for. Each form (and the login marker, which also travels through the
 * user agent) has its own purpose, mixed into the MAC, so a value made for one cannot be replayed
 * on another under the same secrets (RFC 6749 §10.12).
 */
export type CsrfPurpose =
  /** The consent decision: interaction id and session id. */
  | 'consent'
  /** The management pages' forms: session id. */
  | 'manage'
  /** RP-Initiated Logout 1.0 §2's confirmation form: session id. */
  | 'oidc-logout'
  /** `localAccounts`' sign-in form: the `gl_csrf` cookie (a signed double submit). */
  | 'login-form'
  /** `localAccounts`' sign-out form: the `gl_csrf` cookie. */
  | 'logout-form'
  /** The device verification page's forms (RFC 8628 §3.3): session id, and the user code it decides. */
  | 'device'
  /** The prompt=login / max_age marker (OIDC Core §3.1.2.1): its second and the request's parameters. */
  | 'login-marker'

/**
 * The MAC input: the purpose and every part, each prefixed by its length, so that no two
 * different lists (`a|b`, `c` against `a`, `b|c`) encode to the same message.
 */
function message(purpose: CsrfPurpose, parts: readonly string[]): string {
  return [purpose, ...parts].map((part) => `${part.length}:${part}`).join('')
}

/** HMAC-SHA-256 (base64url) of `purpose` and `parts` under the first secret: the one that signs. */
export async function signFor(secrets: readonly string[], purpose: CsrfPurpose, ...parts: string[]): Promise<string> {
  const [current] = secrets
  if (current === undefined) throw new Error('no secret to sign with')
  return hmac(current, message(purpose, parts))
}

/**
 * Whether `value` was signed for this purpose and these parts by any configured secret, so
 * secrets rotate by prepending a new one; each candidate is compared in constant time.
 */
export async function verifyFor(secrets: readonly string[], purpose: CsrfPurpose, value: string, ...parts: string[]): Promise<boolean> {
  if (value === '') return false
  const signed = message(purpose, parts)
  for (const secret of secrets) {
    if (timingSafeEqual(await hmac(secret, signed), value)) return true
  }
  return false
}
