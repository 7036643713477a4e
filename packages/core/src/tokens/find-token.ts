import type { ProviderContext } from '../contracts/context.js'
import type { AccessTokenRecord, RefreshTokenRecord, TokenWithFamily } from '../contracts/storage.js'
import { sha256Hex } from '../primitives/crypto.js'

export type FoundToken =
  | ({ kind: 'access_token' } & TokenWithFamily<AccessTokenRecord>)
  | ({ kind: 'refresh_token' } & TokenWithFamily<RefreshTokenRecord>)

/**
 * Finds a valid token of either kind (RFC 7009 §2.1, RFC 7662 §2.1): the hint picks which kind is
 * looked up first, the prefix when there is no hint; unprefixed (imported) tokens try both.
 */
export async function findToken(
  provider: ProviderContext,
  value: string,
  hint: string | undefined,
  now: number,
): Promise<FoundToken | null> {
  const { storage } = provider.config
  const hash = sha256Hex(value)
  const refreshFirst = hint === 'refresh_token' || (hint !== 'access_token' && value.startsWith('gl_rt_'))
  const lookups = [
    async (): Promise<FoundToken | null> => {
      // Never from a cache: a revoked token must not be reported active or left unrevoked.
      const found = await storage.findAccessToken(hash, now, { consistent: true })
      return found && { kind: 'access_token', ...found }
    },
    async (): Promise<FoundToken | null> => {
      const found = await storage.findRefreshToken(hash, now)
      return found && { kind: 'refresh_token', ...found }
    },
  ]
  if (refreshFirst) lookups.reverse()
  for (const lookup of lookups) {
    const found = await lookup()
    if (found) return found
  }
  return null
}
