import type { ClientAuthContext, ClientCredentials } from '../contracts/client-auth-method.js'
import type { Client } from '../contracts/storage.js'
import { sha256Hex, timingSafeEqual } from '../primitives/crypto.js'

/**
 * Compares the SHA-256 of the presented secret with the stored one in constant time, and with
 * the secret a rotation replaced while its overlap lasts (`previous_secret_expires_at` > now,
 * never at or after it). Both comparisons always run, so the time taken does not tell which
 * secret matched or whether there is a previous one.
 */
export async function verifySecret(
  client: Client,
  credentials: ClientCredentials,
  context: Pick<ClientAuthContext, 'now'>,
): Promise<boolean> {
  if (client.secret_hash === null || credentials.secret === undefined) return false
  const presented = sha256Hex(credentials.secret)
  const current = timingSafeEqual(presented, client.secret_hash)
  const previous = timingSafeEqual(presented, client.previous_secret_hash ?? client.secret_hash)
  const overlapping = client.previous_secret_hash !== null && (client.previous_secret_expires_at ?? 0) > context.now
  return current || (previous && overlapping)
}
