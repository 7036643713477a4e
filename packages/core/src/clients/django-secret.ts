import type { ProviderContext } from '../contracts/context.js'
import type { Client } from '../contracts/storage.js'
import { sha256Hex } from '../primitives/crypto.js'
import { MAX_ITERATIONS, parsePasswordHash, verifyPassword } from '../primitives/django-password.js'
import { OAuthError } from '../primitives/errors.js'

/** A derivation takes a fraction of a second: by then a slot is likely free. */
const BUSY_RETRY_AFTER = '1'

/** The provider's own slots, for accounts that lend none: two, like localAccounts' default. */
/** Whether a stored secret is still the Django hash (`pbkdf2_sha256$...`) an import kept. */
export function isDjangoSecret(secretHash: string | null): secretHash is string {
  return secretHash?.includes('$') === true
}

/**
 * A client secret imported from Django OAuth Toolkit 2+ is stored as DOT stored it, a Django
 * `pbkdf2_sha256` hash. The first time the client presents the right secret it is checked by
 * PBKDF2 (in one of the derivation slots logins take, at its stored iteration count up to
 * 2,000,000: a larger count is refused without a derivation) and replaced by the SHA-256 form every
 * other secret has, so that later requests cost no derivation. Answers the client as it now is
 * (unchanged when the secret is wrong or the hash is not Django's: verifySecret then refuses it).
 * No free slot: 429 with Retry-After (RFC 6585 §4), and nothing is counted as a failure.
 */
export async function upgradeDjangoSecret(
  provider: Pick<ProviderContext, 'config' | 'hashSlots'>,
  client: Client,
  secret: string | undefined,
): Promise<Client> {
  if (secret === undefined || !isDjangoSecret(client.secret_hash)) return client
  const parsed = parsePasswordHash(client.secret_hash)
  if (!parsed || parsed.iterations > MAX_ITERATIONS) return client
  const free = provider.hashSlots.take()
  if (!free) {
    throw new OAuthError('temporarily_unavailable', 'too many secrets are being checked; retry later', {
      status: 429,
      headers: { 'retry-after': BUSY_RETRY_AFTER },
    })
  }
  let ok: boolean
  try {
    ok = (await verifyPassword(secret, client.secret_hash)).ok
  } finally {
    free()
  }
  if (!ok) return client
  const upgraded: Client = { ...client, secret_hash: sha256Hex(secret) }
  await provider.config.storage.putClient(upgraded)
  return upgraded
}
