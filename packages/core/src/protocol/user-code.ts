import { randomBytes, sha256Hex } from '../primitives/crypto.js'

/** RFC 8628 §6.1: consonants only (no vowels, so no words), no look-alikes such as 0/O or 1/I. */
const ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ'
const LENGTH = 8

/** The grant type of RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/**
 * A user code of 8 letters from a 20-letter alphabet (about 34.6 bits, RFC 8628 §5.1), shown as
 * `XXXX-XXXX`. Each letter comes from one random byte, below 240 so that every letter is as likely.
 */
export function newUserCode(): string {
  let code = ''
  while (code.length < LENGTH) {
    for (const byte of randomBytes(LENGTH)) {
      if (byte < 240 && code.length < LENGTH) code += ALPHABET[byte % ALPHABET.length]
    }
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/**
 * RFC 8628 §6.1: typing is forgiving, so case, dashes and spaces do not matter. Answers the
 * normalised code, or undefined when it cannot be one of ours.
 */
export function normaliseUserCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '')
  if (code.length !== LENGTH) return undefined
  for (const letter of code) if (!ALPHABET.includes(letter)) return undefined
  return code
}

/** The storage key of a user code: SHA-256 hex of its normalised form. */
export function userCodeHash(normalised: string): string {
  return sha256Hex(normalised)
}
