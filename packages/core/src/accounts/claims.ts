import type { UserRecord } from '../contracts/account-store.js'
import { SCOPE_CLAIMS } from '../protocol/capabilities.js'

/**
 * The user's stored claims that the granted scopes cover (OIDC Core §5.4), plus `sub`, always,
 * from the record. Individual claims asked for with the `claims` parameter (§5.5) are not added:
 * the user approved scopes on the consent page, not a list of claims.
 */
export function scopedClaims(sub: string, user: UserRecord | null, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub }
  if (!user) return claims
  for (const scope of scopes) {
    for (const name of SCOPE_CLAIMS[scope] ?? []) {
      if (Object.hasOwn(user.claims, name) && user.claims[name] !== undefined) claims[name] = user.claims[name]
    }
  }
  return claims
}
