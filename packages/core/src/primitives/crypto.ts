import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { type Encoding, nativeBase64url, nativeSha256 } from './native.js'

const encoder = new TextEncoder()
const ascii = new Uint8Array(256)

/**
 * The UTF-8 bytes of `value`. Secrets, codes and digests are ASCII: their bytes are the char codes,
 * copied into a reused buffer, since TextEncoder costs more than the hash for a short string on
 * Node. The view is only valid until the next call.
 */
function utf8(value: string): Uint8Array {
  if (value.length > ascii.length) return encoder.encode(value)
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code > 0x7f) return encoder.encode(value)
    ascii[i] = code
  }
  return ascii.subarray(0, value.length)
}

// noble's `sha256(bytes)` builds a hasher per call (a block buffer and two DataViews), which costs
// as much as hashing a short secret; copying a fresh state into one reused hasher halves a digest.
const initial = sha256.create()
const hasher = sha256.create()
const digest = new Uint8Array(32)

/** SHA-256 of the UTF-8 bytes of `value`, in a reused buffer: valid until the next call. */
function sha256Of(value: string): Uint8Array {
  initial._cloneInto(hasher)
  hasher.update(utf8(value)).digestInto(digest)
  return digest
}

const nativeHash = nativeSha256()

/** SHA-256 of the UTF-8 bytes through @noble/hashes alone, whatever the runtime has: what the native path is checked against. */
export function portableSha256(value: string, encoding: Encoding): string {
  const digest = sha256Of(value)
  return encoding === 'hex' ? bytesToHex(digest) : portableBase64url(digest)
}

const sha256Encoded = (value: string, encoding: Encoding): string =>
  nativeHash ? nativeHash('sha256', value, encoding) : portableSha256(value, encoding)

/** Lowercase hex SHA-256 of the UTF-8 bytes: the storage key of every secret (DOT's checksum). */
export function sha256Hex(value: string): string {
  return sha256Encoded(value, 'hex')
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const BASE64 = `${ALPHABET}+/`
const BASE64URL = `${ALPHABET}-_`

/** RFC 4648 encoding with `digits`, padded or not: three bytes to four characters. */
function encodeBase64(bytes: Uint8Array, digits: string, pad: boolean): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out += digits[n >> 18]! + digits[(n >> 12) & 63]! + digits[(n >> 6) & 63]! + digits[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    out += digits[n >> 18]! + digits[(n >> 12) & 63]! + (pad ? '==' : '')
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    out += digits[n >> 18]! + digits[(n >> 12) & 63]! + digits[(n >> 6) & 63]! + (pad ? '=' : '')
  }
  return out
}

/** base64 with padding (RFC 4648 §4). */
export function base64(bytes: Uint8Array): string {
  return encodeBase64(bytes, BASE64, true)
}

/** base64url without padding (RFC 4648 §5), in JavaScript alone: what the native path is checked against. */
export function portableBase64url(bytes: Uint8Array): string {
  return encodeBase64(bytes, BASE64URL, false)
}

/** base64url without padding (RFC 4648 §5): the runtime's encoder where it has one. */
export const base64url: (bytes: Uint8Array) => string = nativeBase64url() ?? portableBase64url

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
  // A view, not a copy: each range of the pool is handed out once.
  return pool.subarray(offset - length, offset)
}

/**
 * A bearer secret with its kind prefix: `gl_at_`, `gl_rt_`, `gl_ac_`, `gl_cs_`, and the
 * registration access (`gl_ra_`) and initial access (`gl_ia_`) tokens of RFC 7591/7592, and the
 * device codes of RFC 8628 (`gl_dc_`), + 256 random bits.
 */
export function randomSecret(prefix: 'gl_at_' | 'gl_rt_' | 'gl_ac_' | 'gl_cs_' | 'gl_ra_' | 'gl_ia_' | 'gl_dc_'): string {
  return prefix + base64url(randomBytes(32))
}

/** A random identifier for records that are not secrets on their own (families, interactions). */
export function randomId(): string {
  return base64url(randomBytes(16))
}

/**
 * Constant-time equality of two strings of equal length (digests, MACs: ASCII); unequal lengths
 * are unequal. The time depends on the lengths only, never on where the strings differ.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  // Unequal lengths compare `a` with itself: one plain loop, whose time depends on the lengths only.
  const other = a.length === b.length ? b : a
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ other.charCodeAt(i)
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
  return sha256Encoded(verifier, 'base64url')
}
