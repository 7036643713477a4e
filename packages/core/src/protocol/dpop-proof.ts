import { errors, jwtVerify } from 'jose'
import { s256 } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { createProofKeys, thumbprintInput, thumbprintOf } from './dpop-proof-key.js'

/** What a proof must match: the request it comes with, and the server's limits. */
export interface ProofExpectation {
  /** The request's method (`htm`). */
  method: string
  /** The URL the proof must name (`htu`), already without query and fragment. */
  url: string
  /** The access token presented with the proof (RFC 9449 §7): its hash must be the proof's `ath`. */
  accessToken?: string
  algs: readonly string[]
  /** Epoch seconds. */
  now: number
  maxAge: number
  clockSkew: number
}

/** A proof that passed every check but replay and nonce, which need the server's state. */
export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: what a token is bound to (RFC 9449 §6.1). */
  jkt: string
  jti: string
  iat: number
  nonce?: string
}

const MAX_PROOF_LENGTH = 8192
const proofKey = createProofKeys()

function invalid(description: string): OAuthError {
  return new OAuthError('invalid_dpop_proof', description)
}

/**
 * RFC 9449 §4.3 without the server-state checks: `htu` as the server compares it, the scheme, host
 * and path of an absolute URL (case and default port normalised by the URL parser), no query or
 * fragment. Null when it is no http(s) URL.
 */
export function normalizeHtu(value: string): string | null {
  if (!URL.canParse(value)) return null
  const url = new URL(value)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  return `${url.protocol}//${url.host}${url.pathname}`
}

/**
 * The one `DPoP` header of a request (RFC 9449 §4.3 check 1), undefined when there is none; two
 * headers (which the Fetch API joins with a comma, never part of a JWT) are refused.
 */
export function dpopHeader(request: Request): string | undefined {
  const value = request.headers.get('dpop')
  if (value === null) return undefined
  if (value.includes(',')) throw invalid('a request carries exactly one DPoP header')
  return value.trim()
}

/**
 * RFC 9449 §4.3: checks a DPoP proof JWT. `typ: dpop+jwt`, an asymmetric `alg` from the allow-list,
 * the embedded public `jwk` (no private members) that verifies the signature, `jti`, `htm` and
 * `htu` matching the request, `iat` within the window, and `ath` when an access token comes with
 * it. Throws `invalid_dpop_proof` for anything else.
 */
export async function verifyProof(proof: string, expected: ProofExpectation): Promise<VerifiedProof> {
  if (proof.length === 0 || proof.length > MAX_PROOF_LENGTH) throw invalid('the DPoP proof is empty or too long')
  let payload: Record<string, unknown>
  let input = ''
  try {
    // The embedded key, as jose's EmbeddedJWK takes it, but imported once per key (proof-key.ts).
    ;({ payload } = await jwtVerify(
      proof,
      async (header) => {
        const jwk = header.jwk as Record<string, unknown> | undefined
        const canonical = typeof jwk === 'object' && jwk !== null ? thumbprintInput(jwk) : null
        if (jwk === undefined || canonical === null) throw invalid('the DPoP proof jwk must be a public EC, OKP or RSA key')
        input = canonical
        return proofKey(jwk, canonical, header.alg)
      },
      { typ: 'dpop+jwt', algorithms: [...expected.algs], currentDate: new Date(expected.now * 1000), clockTolerance: expected.clockSkew },
    ))
  } catch (error) {
    if (error instanceof OAuthError) throw error
    if (error instanceof errors.JOSEError || error instanceof TypeError) throw invalid(proofFailure(error))
    throw error
  }
  const { jti, htm, htu, iat, ath, nonce } = payload
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw invalid('the DPoP proof needs a jti')
  if (htm !== expected.method) throw invalid('the DPoP proof htm does not match the request method')
  if (typeof htu !== 'string' || normalizeHtu(htu) !== expected.url) throw invalid('the DPoP proof htu does not match the request URL')
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('the DPoP proof needs an iat')
  if (iat > expected.now + expected.clockSkew || iat < expected.now - expected.maxAge) {
    throw invalid('the DPoP proof iat is outside the accepted window')
  }
  if (expected.accessToken !== undefined) {
    if (typeof ath !== 'string') throw invalid('the DPoP proof needs ath with an access token')
    if (ath !== s256(expected.accessToken)) throw invalid('the DPoP proof ath does not match the access token')
  }
  if (nonce !== undefined && typeof nonce !== 'string') throw invalid('the DPoP proof nonce must be a string')
  return { jkt: thumbprintOf(input), jti, iat, ...(nonce === undefined ? {} : { nonce }) }
}

/** A short reason for a proof jose refused, without echoing the proof. */
function proofFailure(error: unknown): string {
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the DPoP proof alg is not accepted'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the DPoP proof signature is invalid'
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'typ') return 'the DPoP proof typ must be dpop+jwt'
  if (error instanceof errors.JWTExpired) return 'the DPoP proof is expired'
  return 'the DPoP proof is not a valid JWT with an embedded public jwk'
}
