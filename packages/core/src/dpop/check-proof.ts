import type { ResolvedConfig } from '../contracts/config.js'
import { sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { createDpopNonces } from '../protocol/dpop-nonce.js'
import { dpopHeader, type VerifiedProof, verifyProof } from '../protocol/dpop-proof.js'

/** Where a proof is checked: the URL it must name, and the access token it comes with, if any. */
export interface ProofTarget {
  url: string
  accessToken?: string
}

type DpopConfig = Pick<ResolvedConfig, 'dpop' | 'storage' | 'secrets' | 'seconds'>

/** The `DPoP-Nonce` header for a response, when server nonces are on (RFC 9449 §8.2: a fresh nonce may come with any response). */
export async function nonceHeader(config: DpopConfig): Promise<Record<string, string>> {
  if (!config.dpop.nonce) return {}
  return { 'dpop-nonce': await createDpopNonces(config.secrets, config.dpop.nonceSeconds).current(config.seconds()) }
}

/**
 * RFC 9449 §4.3 in full: the request's one proof checked against `target`, its nonce (§8, when
 * server nonces are on) and its `jti`, remembered for as long as the proof could be accepted, so
 * that a replay is refused (§11.1). Null when the request carries no `DPoP` header. A missing or
 * stale nonce throws `use_dpop_nonce` with a fresh one in `DPoP-Nonce`; any other failure
 * `invalid_dpop_proof`.
 */
export async function checkProof(config: DpopConfig, request: Request, target: ProofTarget): Promise<VerifiedProof | null> {
  const header = dpopHeader(request)
  if (header === undefined) return null
  const { remember } = config.storage
  if (!remember) throw new OAuthError('invalid_dpop_proof', 'this server does not accept DPoP proofs')
  const now = config.seconds()
  const { dpop } = config
  const proof = await verifyProof(header, {
    method: request.method,
    url: target.url,
    ...(target.accessToken === undefined ? {} : { accessToken: target.accessToken }),
    algs: dpop.algs,
    now,
    maxAge: dpop.proofMaxAge,
    clockSkew: dpop.clockSkew,
  })
  if (dpop.nonce) {
    const nonces = createDpopNonces(config.secrets, dpop.nonceSeconds)
    if (proof.nonce === undefined || !(await nonces.accepts(proof.nonce, now))) {
      throw new OAuthError('use_dpop_nonce', 'the DPoP proof must carry the nonce this server gives', {
        headers: { 'dpop-nonce': await nonces.current(now) },
      })
    }
  }
  // Keyed by the key as well: a jti is unique per key, and nobody can spend another key's jti.
  const fresh = await remember.call(config.storage, 'dpop', sha256Hex(`${proof.jkt}:${proof.jti}`), proof.iat + dpop.proofMaxAge + 1, now)
  if (!fresh) throw new OAuthError('invalid_dpop_proof', 'the DPoP proof was already used')
  return proof
}
