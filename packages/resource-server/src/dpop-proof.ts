import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose'

/** RFC 9449 §4.2: the asymmetric algorithms a proof may use (`algs` of the challenge). */
export const DPOP_ALGS = ['ES256', 'RS256', 'PS256', 'EdDSA']
/** RFC 9449 §11.1: how old (by `iat`) a proof may be, and how far ahead of this clock. */
const MAX_AGE = 60
const SKEW = 5
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** RFC 9449 §9 `ath`: base64url SHA-256 of the access token. */
async function tokenHash(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/** The scheme, host and path a proof's `htu` is compared by (RFC 9449 §4.3). */
function htuOf(value: string): string | null {
  if (!URL.canParse(value)) return null
  const url = new URL(value)
  return `${url.protocol}//${url.host}${url.pathname}`
}

/**
 * Remembers the proofs seen in the last minute by key thumbprint and `jti` (RFC 9449 §11.1), in
 * this process: a replay to the same instance is refused. Bounded: past `maxEntries` the oldest go.
 */
export function createProofReplayCache(maxEntries: number) {
  const seen = new Map<string, number>()
  return function firstUse(key: string, until: number, now: number): boolean {
    const expiry = seen.get(key)
    if (expiry !== undefined && expiry > now) return false
    seen.delete(key)
    while (seen.size >= maxEntries) {
      const oldest = seen.keys().next()
      if (oldest.done) break
      seen.delete(oldest.value)
    }
    seen.set(key, until)
    return true
  }
}

/**
 * RFC 9449 §4.3 and §7.1 at a resource: the request's one DPoP proof, for this method and URL,
 * signed by its embedded public key with an accepted algorithm, recent, not seen before, and
 * carrying the token's hash. Answers the key's thumbprint, or why the proof is refused.
 */
export async function verifyResourceProof(
  request: Request,
  token: string,
  now: number,
  firstUse: ReturnType<typeof createProofReplayCache>,
): Promise<{ jkt: string } | { refused: string }> {
  const proof = request.headers.get('dpop')
  if (proof === null) return { refused: 'a DPoP proof is required with a DPoP access token' }
  if (proof.includes(',') || proof.length > 8192) return { refused: 'a request carries exactly one DPoP proof' }
  let verified: Awaited<ReturnType<typeof jwtVerify>>
  try {
    verified = await jwtVerify(proof.trim(), EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS, currentDate: new Date(now * 1000) })
  } catch {
    return { refused: 'the DPoP proof is not a valid JWT signed by its embedded public key' }
  }
  const jwk = verified.protectedHeader.jwk as Record<string, unknown> | undefined
  if (!jwk || PRIVATE_MEMBERS.some((member) => member in jwk)) return { refused: 'the DPoP proof jwk must be a public key' }
  const { jti, htm, htu, iat, ath } = verified.payload as Record<string, unknown>
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) return { refused: 'the DPoP proof needs a jti' }
  if (htm !== request.method) return { refused: 'the DPoP proof htm does not match the request method' }
  if (typeof htu !== 'string' || htuOf(htu) === null || htuOf(htu) !== htuOf(request.url)) {
    return { refused: 'the DPoP proof htu does not match the request URL' }
  }
  if (typeof iat !== 'number' || iat > now + SKEW || iat < now - MAX_AGE)
    return { refused: 'the DPoP proof iat is outside the accepted window' }
  if (typeof ath !== 'string' || ath !== (await tokenHash(token))) return { refused: 'the DPoP proof ath does not match the access token' }
  const jkt = await calculateJwkThumbprint(jwk as Parameters<typeof calculateJwkThumbprint>[0], 'sha256')
  if (!firstUse(`${jkt}:${jti}`, iat + MAX_AGE + 1, now)) return { refused: 'the DPoP proof was already used' }
  return { jkt }
}
