import type { RotatedSecret } from '../contracts/clients.js'
import type { Client, Storage } from '../contracts/storage.js'
import { randomSecret, sha256Hex } from '../primitives/crypto.js'
import { ConfigError } from '../primitives/errors.js'
import { isDjangoSecret } from './django-secret.js'

/** The longest overlap a rotation may give the old secret: a year. */
export const MAX_SECRET_GRACE_SECONDS = 366 * 86_400

/**
 * Gives a confidential client a new secret. With `graceSeconds` > 0 the old one keeps
 * authenticating until now + graceSeconds, so a deployment can move to the new one without an
 * outage; with 0 it ends at once. One previous secret at a time: rotating again replaces it, so a
 * secret two rotations old stops at once. A secret still in the Django hash an import kept (never
 * used since) cannot overlap: it is compared through PBKDF2 on first use only, so the rotation
 * asks for a grace of 0 or one use of the old secret first.
 */
export async function rotateClientSecret(storage: Storage, clientId: string, graceSeconds: number, now: number): Promise<RotatedSecret> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_SECRET_GRACE_SECONDS) {
    throw new ConfigError('ERR_INVALID_GRACE', 'the grace period must be a whole number of seconds from 0 to 366 days')
  }
  const current = await storage.getClient(clientId)
  if (current?.client_type !== 'confidential') {
    throw new ConfigError('ERR_UNKNOWN_CLIENT', `confidential client "${clientId}" does not exist`)
  }
  if (current.secret_hash === null) {
    throw new ConfigError('ERR_NO_CLIENT_SECRET', `client "${clientId}" has no secret to rotate (it authenticates with its key)`)
  }
  if (graceSeconds > 0 && isDjangoSecret(current.secret_hash)) {
    throw new ConfigError(
      'ERR_DJANGO_SECRET_GRACE',
      `client "${clientId}" still has the secret imported from Django OAuth Toolkit, unused since: rotate with a grace of 0, or after the client has authenticated once`,
    )
  }
  const client_secret = randomSecret('gl_cs_')
  const previous_secret_expires_at = graceSeconds > 0 ? now + graceSeconds : null
  const client: Client = {
    ...current,
    secret_hash: sha256Hex(client_secret),
    previous_secret_hash: previous_secret_expires_at === null ? null : current.secret_hash,
    previous_secret_expires_at,
  }
  await storage.putClient(client)
  return { client, client_secret, previous_secret_expires_at }
}
