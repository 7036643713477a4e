import { type CryptoKey, errors, importJWK, type JWK } from 'jose'
import { s256 } from '../primitives/crypto.js'

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const REQUIRED: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
}
/** The members a private or symmetric JWK has and a public one never does (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
const MAX_KEYS = 1000

/**
 * RFC 7638 §3: the canonical JSON of a public JWK's required members, which is all of the public
 * key: null for another key type, a missing member or a private or symmetric key.
 */
export function thumbprintInput(jwk: Record<string, unknown>): string | null {
  const members = typeof jwk.kty === 'string' ? REQUIRED[jwk.kty] : undefined
  if (!members || PRIVATE_MEMBERS.some((member) => member in jwk)) return null
  if (members.some((member) => typeof jwk[member] !== 'string')) return null
  return `{${members.map((member) => `"${member}":${JSON.stringify(jwk[member])}`).join(',')}}`
}

/** RFC 7638: the SHA-256 thumbprint, base64url, of a thumbprint input. */
export const thumbprintOf = (input: string): string => s256(input)

/**
 * Imports a proof's embedded key for `alg`, as jose's EmbeddedJWK does (`use` sig and `alg` as
 * the header's when present, a public key only), and keeps it by its required members: importing
 * costs more than verifying, and a client signs every proof with the same key. Bounded: past
 * MAX_KEYS the oldest goes.
 */
export function createProofKeys() {
  const keys = new Map<string, Promise<CryptoKey>>()
  return async function proofKey(jwk: Record<string, unknown>, input: string, alg: string): Promise<CryptoKey> {
    if (jwk.use !== undefined && jwk.use !== 'sig') throw new errors.JWSInvalid('the embedded jwk "use" must be "sig"')
    if (jwk.alg !== undefined && jwk.alg !== alg) throw new errors.JWSInvalid('the embedded jwk "alg" must be the header\'s')
    const id = `${alg} ${input}`
    let key = keys.get(id)
    if (!key) {
      // Only the required members, which are the whole public key (RFC 7638 §3.2).
      key = importJWK({ ...(JSON.parse(input) as JWK), ext: true }, alg).then((imported) => {
        if (imported instanceof Uint8Array || imported.type !== 'public')
          throw new errors.JWSInvalid('the embedded jwk must be a public key')
        return imported
      })
      if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string)
      keys.set(id, key)
      // A key that fails to import is not kept.
      key.catch(() => keys.delete(id))
    }
    return key
  }
}
