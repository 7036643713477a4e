import type { PublicJwks } from '../contracts/clients.js'

/** The members a private or symmetric JWK has and a public one never does (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']
/** Asymmetric key types a client signs with (RFC 7518 §6.1, RFC 8037 §2). */
const KEY_TYPES = ['RSA', 'EC', 'OKP']
/** More keys than a client needs for rotation. */
export const MAX_CLIENT_KEYS = 20

/**
 * A member counts by its value, not its presence: `d: undefined` (what some runtimes' key export
 * leaves on a public key) or `d: null` holds no key material, while any other value, even an
 * empty string, is private material offered.
 */
function hasValue(key: Record<string, unknown>, member: string): boolean {
  return Object.hasOwn(key, member) && key[member] !== undefined && key[member] !== null
}

/** The first private or symmetric member a JWK carries a value for (RFC 7517 §9.2), if any. */
function privateMember(key: Record<string, unknown>): string | undefined {
  return PRIVATE_MEMBERS.find((member) => hasValue(key, member))
}

/**
 * A public JWK Set as jose is given it: members left undefined or null are dropped, since jose
 * takes a key with a `d` member of any value for a private key (and refuses it for verification).
 */
export function withoutEmptyMembers<T extends PublicJwks>(jwks: T): T {
  const keys = jwks.keys.map((key) => Object.fromEntries(Object.entries(key).filter(([, value]) => value !== undefined && value !== null)))
  return { ...jwks, keys }
}

/**
 * What is wrong with a client's JWK Set (RFC 7517 §5, RFC 7591 §2 `jwks`), or undefined when it is
 * a set of 1 to 20 public asymmetric keys. A key with a value for a private or symmetric member
 * (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`, `priv`) is refused: a client that sends its
 * private key has leaked it, and the server must not keep it.
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
    const secret = privateMember(key as Record<string, unknown>)
    if (secret) return `a key in jwks has the private member "${secret}": register public keys only (RFC 7517 section 9.2)`
  }
  return undefined
}
