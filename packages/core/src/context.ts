import type { ClientAuthMethod } from './client-auth/client-auth-method.js'
import type { ResolvedConfig } from './config.js'
import type { GrantHandler } from './grants/grant-handler.js'
import type { SigningKeys } from './keys/signing-keys.js'

/** What every endpoint reads: the validated configuration and the registries built from it. */
export interface ProviderContext {
  config: ResolvedConfig
  grants: ReadonlyMap<string, GrantHandler>
  /** The configured grant types plus every user-registered one. */
  enabledGrants: ReadonlySet<string>
  clientAuth: readonly ClientAuthMethod[]
  /** OIDC signing keys; null when OpenID Connect is off. */
  keys: SigningKeys | null
}
