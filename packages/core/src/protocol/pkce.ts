import type { ResolvedConfig } from '../contracts/config.js'
import type { Params } from '../contracts/params.js'
import type { Client, CodeRecord } from '../contracts/storage.js'
import { s256, timingSafeEqual } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'

/** RFC 7636 §4.1: code_verifier = 43*128unreserved; a challenge has the same alphabet. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

/**
 * RFC 7636 §4.3 and RFC 9700 §2.1.1: validates the challenge of an authorization request against
 * the PKCE policy (S256 required for every client by default; plain only when configured).
 */
export function checkChallenge(
  config: ResolvedConfig,
  client: Client,
  params: Params,
): Pick<CodeRecord, 'code_challenge' | 'code_challenge_method'> {
  const challenge = params.get('code_challenge')
  const method = params.get('code_challenge_method') ?? (challenge === undefined ? undefined : 'plain')
  if (challenge === undefined) {
    if (method !== undefined) throw new OAuthError('invalid_request', 'code_challenge_method without code_challenge')
    const required = config.pkce.required === 'all' || (config.pkce.required === 'public' && client.client_type === 'public')
    if (required) throw new OAuthError('invalid_request', 'code_challenge is required (PKCE, RFC 7636)')
    return { code_challenge: null, code_challenge_method: null }
  }
  if (method !== 'S256' && method !== 'plain') throw new OAuthError('invalid_request', 'code_challenge_method must be S256')
  if (method === 'plain' && !config.pkce.allowPlain)
    throw new OAuthError('invalid_request', 'code_challenge_method plain is not allowed; use S256')
  if (!VERIFIER.test(challenge)) throw new OAuthError('invalid_request', 'code_challenge is malformed (RFC 7636 §4.2)')
  return { code_challenge: challenge, code_challenge_method: method }
}

/** RFC 7636 §4.6, and no verifier for a code issued without a challenge (PKCE downgrade, RFC 9700 §4.8.2). */
export function checkVerifier(code: CodeRecord, verifier: string | undefined): void {
  if (code.code_challenge === null) {
    if (verifier !== undefined) throw new OAuthError('invalid_grant', 'code_verifier sent for a code issued without code_challenge')
    return
  }
  if (verifier === undefined) throw new OAuthError('invalid_grant', 'code_verifier is required for this code')
  if (!VERIFIER.test(verifier)) throw new OAuthError('invalid_grant', 'code_verifier is malformed (RFC 7636 §4.1)')
  const derived = code.code_challenge_method === 'S256' ? s256(verifier) : verifier
  if (!timingSafeEqual(derived, code.code_challenge)) throw new OAuthError('invalid_grant', 'code_verifier does not match code_challenge')
}
