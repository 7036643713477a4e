import { sha256Hex, timingSafeEqual } from '../crypto.js'
import type { Client } from '../storage.js'
import type { ClientCredentials } from './client-auth-method.js'

/** Compares the SHA-256 of the presented secret with the stored one in constant time. */
export async function verifySecret(client: Client, credentials: ClientCredentials): Promise<boolean> {
  if (client.secret_hash === null || credentials.secret === undefined) return false
  return timingSafeEqual(sha256Hex(credentials.secret), client.secret_hash)
}
