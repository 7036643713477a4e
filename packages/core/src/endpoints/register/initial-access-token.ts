import type { ResolvedConfig } from '../../contracts/config.js'
import { randomSecret, sha256Hex } from '../../primitives/crypto.js'
import { ConfigError } from '../../primitives/errors.js'

/** Seven days: long enough to hand a token to a developer, short enough that a forgotten one dies. */
export const DEFAULT_INITIAL_ACCESS_TOKEN_SECONDS = 7 * 86_400

/**
 * RFC 7591 §3: an initial access token, for registration under the 'token' policy. Shown once and
 * stored as its SHA-256; it registers one client, then is spent (single-use), or expires.
 */
export async function createInitialAccessToken(
  config: Pick<ResolvedConfig, 'storage' | 'seconds'>,
  expiresIn = DEFAULT_INITIAL_ACCESS_TOKEN_SECONDS,
): Promise<{ token: string; expires_at: number }> {
  if (!Number.isInteger(expiresIn) || expiresIn < 1)
    throw new ConfigError('ERR_INVALID_EXPIRY', 'expiresIn must be a positive whole number of seconds')
  const token = randomSecret('gl_ia_')
  const now = config.seconds()
  const expires_at = now + expiresIn
  await config.storage.createInitialAccessToken({ hash: sha256Hex(token), created_at: now, expires_at, consumed_at: null })
  return { token, expires_at }
}
