/** The members a private or symmetric JWK has and a public one never does (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']
/** Asymmetric key types a client signs with (RFC 7518 §6.1, RFC 8037 §2). */
const KEY_TYPES = ['RSA', 'EC', 'OKP']
/** More keys than a client needs for rotation. */
export const MAX_CLIENT_KEYS = 20

/**
 * What is wrong with a client's JWK Set (RFC 7517 §5, RFC 7591 §2 `jwks`), or undefined when it is
 * a set of 1 to 20 public asymmetric keys. A key with private or symmetric parts is refused: a
 * client that sends its private key has leaked it, and the server must not keep it.
 */
export function publicJwksProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'jwks must be a JWK Set object (RFC 7517 section 5)'
  const { keys } = value as { keys?: unknown }
  if (!Array.isArray(keys) || keys.length === 0) return 'jwks must have a non-empty keys array (RFC 7517 section 5)'
  if (keys.length > MAX_CLIENT_KEYS) return `jwks has more than ${MAX_CLIENT_KEYS} keys`
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'every member of jwks.keys must be a JWK object'
    const { kty, kid } = key as { kty?: unknown; kid?: unknown }
    if (typeof kty !== 'string' || !KEY_TYPES.includes(kty)) return 'every key in jwks needs kty RSA, EC or OKP'
    if (kid !== undefined && typeof kid !== 'string') return 'a key in jwks has a kid that is not a string'
    const secret = PRIVATE_MEMBERS.find((member) => member in key)
    if (secret) return `a key in jwks has the private member "${secret}": register public keys only (RFC 7517 section 9.2)`
  }
  return undefined
}
