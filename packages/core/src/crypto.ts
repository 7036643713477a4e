import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'

const encoder = new TextEncoder()

/** Lowercase hex SHA-256 of the UTF-8 bytes: the storage key of every secret (DOT's checksum). */
export function sha256Hex(value: string): string {
  return bytesToHex(sha256(encoder.encode(value)))
}

/** base64 with padding (RFC 4648 §4). */
export function base64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** base64url without padding (RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

// Random bytes are drawn 4 KiB at a time: one getRandomValues call per request costs more on Node
// than the rest of a token issue (docs/benchmarks.md). Each byte is handed out once.
const POOL_BYTES = 4096
let pool = new Uint8Array(0)
let offset = 0

/** `length` fresh random bytes from the Web Crypto CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(length))
  if (offset + length > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES))
    offset = 0
  }
  offset += length
  return pool.slice(offset - length, offset)
}

/** A bearer secret with its kind prefix: `gl_at_`, `gl_rt_`, `gl_ac_`, `gl_cs_` + 256 random bits. */
export function randomSecret(prefix: 'gl_at_' | 'gl_rt_' | 'gl_ac_' | 'gl_cs_'): string {
  return prefix + base64url(randomBytes(32))
}

/** A random identifier for records that are not secrets on their own (families, interactions). */
export function randomId(): string {
  return base64url(randomBytes(16))
}

/** Constant-time equality of two strings of equal length (digests); unequal lengths are unequal. */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a)
  const right = encoder.encode(b)
  let diff = left.length ^ right.length
  for (let i = 0; i < left.length; i++) diff |= (left[i] ?? 0) ^ (right[i % right.length] ?? 0)
  return diff === 0
}

const hmacKeys = new Map<string, Promise<CryptoKey>>()

/** base64url HMAC-SHA-256 of `message` under `secret` (Web Crypto). */
export async function hmac(secret: string, message: string): Promise<string> {
  let key = hmacKeys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    hmacKeys.set(secret, key)
  }
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', await key, encoder.encode(message))))
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return base64url(sha256(encoder.encode(verifier)))
}
