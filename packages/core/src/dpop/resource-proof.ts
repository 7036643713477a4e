import type { ResolvedConfig } from '../contracts/config.js'
import { OAuthError } from '../primitives/errors.js'
import { normalizeHtu } from '../protocol/dpop-proof.js'
import { checkProof } from './check-proof.js'

type DpopConfig = Pick<ResolvedConfig, 'dpop' | 'storage' | 'secrets' | 'seconds' | 'issuer'>

/** RFC 7230 §3.2.6 quoted-string. */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, '\\$&')}"`

/**
 * RFC 9449 §7.1: a `WWW-Authenticate: DPoP` challenge naming the error and the accepted `algs`,
 * with a JSON body; `use_dpop_nonce` comes with a fresh `DPoP-Nonce` (§9).
 */
export function dpopChallenge(
  config: Pick<ResolvedConfig, 'dpop' | 'issuer'>,
  status: 400 | 401 | 403,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Response {
  const challenge = `DPoP realm=${quoted(config.issuer)}, error=${quoted(error)}, error_description=${quoted(description)}, algs=${quoted(config.dpop.algs.join(' '))}`
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'www-authenticate': challenge, 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  })
}

/**
 * RFC 9449 §7.1: the proof that must come with a DPoP-bound access token at a protected resource,
 * checked against `at` (the request's URL by default; without query and fragment) and carrying the token's hash
 * (`ath`); a ready 401 challenge when it is missing or invalid, or its nonce is stale.
 */
export async function resourceProof(
  config: DpopConfig,
  request: Request,
  accessToken: string,
  at: string = request.url,
): Promise<string | Response> {
  const url = normalizeHtu(at)
  try {
    const proof = url === null ? null : await checkProof(config, request, { url, accessToken })
    if (proof === null) return dpopChallenge(config, 401, 'invalid_dpop_proof', 'a DPoP proof is required with a DPoP access token')
    return proof.jkt
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error
    return dpopChallenge(config, 401, error.error, error.message, error.headers)
  }
}

/**
 * RFC 9449 §7.1, §6: a token bound to a key is accepted only under the DPoP scheme with a proof by
 * that key, and a DPoP-scheme request only for a token bound to the proof's key. Null when the
 * presentation matches the token.
 */
export function bindingRefusal(
  config: Pick<ResolvedConfig, 'dpop' | 'issuer'>,
  bound: string | null,
  proofJkt: string | null,
): Response | null {
  if (bound === proofJkt) return null
  if (proofJkt === null)
    return dpopChallenge(
      config,
      401,
      'invalid_token',
      'the access token is bound to a DPoP key: present it with the DPoP scheme and a proof',
    )
  return dpopChallenge(config, 401, 'invalid_token', 'the DPoP proof key does not match the key the access token is bound to')
}
