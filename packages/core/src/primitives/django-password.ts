import { base64, randomBytes, timingSafeEqual } from './crypto.js'

/** Django's default since 4.2 (`PBKDF2PasswordHasher.iterations`); workerd's PBKDF2 allows 100,000 at most. */
export const DEFAULT_ITERATIONS = 600_000
/** Stored counts above this are refused unverified: a planted hash must not cost minutes of CPU. */
export const MAX_ITERATIONS = 2_000_000

const ALGORITHM = 'pbkdf2_sha256'
const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
/** Django's `salt_entropy` (128 bits) over 62 characters: 22 characters. */
const SALT_LENGTH = Math.ceil(128 / Math.log2(SALT_CHARS.length))
const encoder = new TextEncoder()

export interface ParsedPasswordHash {
  iterations: number
  salt: string
  hash: string
}

/** Splits `pbkdf2_sha256$<iterations>$<salt>$<hash>` as Django does; anything else is null. */
export function parsePasswordHash(encoded: string): ParsedPasswordHash | null {
  const parts = encoded.split('$')
  if (parts.length !== 4) return null
  const [algorithm, count = '', salt = '', hash = ''] = parts
  if (algorithm !== ALGORITHM || !/^[1-9][0-9]{0,9}$/.test(count) || salt === '' || hash === '') return null
  return { iterations: Number(count), salt, hash }
}

/** PBKDF2-HMAC-SHA256 with a 32-byte key, base64 with padding: Django's `PBKDF2PasswordHasher.encode`. */
async function derive(password: string, salt: string, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(salt), iterations }, key, 256)
  return base64(new Uint8Array(bits))
}

/** A uniformly random salt from Django's alphabet (`get_random_string`), rejection-sampled. */
function randomSalt(): string {
  let salt = ''
  while (salt.length < SALT_LENGTH) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 * 62: bytes above it would favour the first characters.
      if (byte < 248 && salt.length < SALT_LENGTH) salt += SALT_CHARS[byte % SALT_CHARS.length]
    }
  }
  return salt
}

/** Hashes a password in Django's format, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`. */
export async function hashPassword(password: string, iterations: number = DEFAULT_ITERATIONS): Promise<string> {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}`)
  }
  const salt = randomSalt()
  return `${ALGORITHM}$${iterations}$${salt}$${await derive(password, salt, iterations)}`
}

export interface VerifyPasswordOptions {
  /** The configured count: a hash made with another one `needsRehash`. Default 600,000. */
  iterations?: number
  /** Stored counts above this fail without a derivation. Default 2,000,000. */
  maxIterations?: number
}

/**
 * Checks a password against a Django `pbkdf2_sha256` hash, honouring its stored iteration count
 * up to a cap, with a constant-time comparison. `needsRehash` mirrors Django's `must_update`: the
 * count differs from the configured one, or the salt carries less than 128 bits.
 */
export async function verifyPassword(
  password: string,
  encoded: string,
  options: VerifyPasswordOptions = {},
): Promise<{ ok: boolean; needsRehash: boolean }> {
  const parsed = parsePasswordHash(encoded)
  if (!parsed || parsed.iterations > (options.maxIterations ?? MAX_ITERATIONS)) return { ok: false, needsRehash: false }
  const derived = await derive(password, parsed.salt, parsed.iterations)
  if (!timingSafeEqual(derived, parsed.hash)) return { ok: false, needsRehash: false }
  const weakSalt = parsed.salt.length * Math.log2(SALT_CHARS.length) < 128
  return { ok: true, needsRehash: parsed.iterations !== (options.iterations ?? DEFAULT_ITERATIONS) || weakSalt }
}
