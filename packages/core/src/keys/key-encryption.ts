import { CompactEncrypt, compactDecrypt, base64url as joseBase64url } from 'jose'
import { KEY_ENCRYPTION_KEY_MESSAGE } from '../config/messages.js'
import { ConfigError } from '../primitives/errors.js'

const encoder = new TextEncoder()

/** The key-encryption key: base64url of 32 random bytes, from the environment, never from storage. */
export function parseKeyEncryptionKey(value: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = joseBase64url.decode(value)
  } catch {
    bytes = new Uint8Array()
  }
  if (bytes.length !== 32) throw new ConfigError('ERR_INVALID_CONFIG', `oidc.keyEncryptionKey: ${KEY_ENCRYPTION_KEY_MESSAGE}`)
  return bytes
}

/** Encrypts a private JWK for storage: compact JWE, `dir` + `A256GCM` (docs/architecture.md "Formats"). */
export function encryptJwk(jwk: Record<string, unknown>, kek: Uint8Array): Promise<string> {
  return new CompactEncrypt(encoder.encode(JSON.stringify(jwk))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(kek)
}

export async function decryptJwk(jwe: string, kek: Uint8Array): Promise<Record<string, unknown>> {
  const { plaintext } = await compactDecrypt(jwe, kek, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] })
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>
}
