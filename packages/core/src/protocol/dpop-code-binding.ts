import type { Params } from '../contracts/params.js'
import { randomSecret } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'

/** RFC 7638 SHA-256 thumbprint: 32 bytes, base64url without padding. */
const JKT = /^[A-Za-z0-9_-]{43}$/

/** RFC 9449 §10: the authorization request's `dpop_jkt`, when it has a well-formed one. */
export function requestedDpopJkt(params: Params): string | undefined {
  const jkt = params.get('dpop_jkt')
  if (jkt !== undefined && !JKT.test(jkt)) throw new OAuthError('invalid_request', 'dpop_jkt must be a JWK SHA-256 thumbprint')
  return jkt
}

/**
 * A new authorization code, bound to `jkt` when the request named one (RFC 9449 §10). The
 * thumbprint (public) rides in the code after a dot: the code is stored by the SHA-256 of the whole
 * value, so a code whose thumbprint was changed is not found, and every Storage keeps the binding
 * with nothing more to store.
 */
export function newCode(jkt: string | undefined): string {
  const code = randomSecret('gl_ac_')
  return jkt === undefined ? code : `${code}.${jkt}`
}

/**
 * RFC 9449 §10.1: a code bound to a key is redeemed only with a proof by that key; the token
 * request is refused otherwise.
 */
export function checkCodeBinding(code: string, dpopJkt: string | null): void {
  const dot = code.lastIndexOf('.')
  if (dot === -1) return
  if (dpopJkt === null) throw new OAuthError('invalid_dpop_proof', 'the code is bound to a DPoP key: a DPoP proof is required')
  if (code.slice(dot + 1) !== dpopJkt)
    throw new OAuthError('invalid_grant', 'the DPoP proof key does not match the dpop_jkt of the authorization request')
}
