import type { ClientAuthMethod } from './client-auth-method.js'
import type { RateLimiter } from '../rate-limit/rate-limiter.js'
import type { ClientKeys } from '../clients/client-keys.js'
import type { ClientMetadataDocuments } from '../clients/metadata-document-cache.js'
import type { ResolvedConfig } from '../config/config.js'
import type { GrantHandler } from './grant-handler.js'
import type { CorsOrigins } from '../http/cors.js'
import type { SigningKeys } from '../keys/signing-keys.js'

/** What every endpoint reads: the validated configuration and the registries built from it. */
export interface ProviderContext {
  config: ResolvedConfig
  grants: ReadonlyMap<string, GrantHandler>
  /** The configured grant types plus every user-registered one. */
  enabledGrants: ReadonlySet<string>
  clientAuth: readonly ClientAuthMethod[]
  /** OIDC signing keys; null when OpenID Connect is off. */
  keys: SigningKeys | null
  /** Counts failed client authentications; null when rate limiting is off. */
  rateLimiter: RateLimiter | null
  /** The origins some client allows, for CORS preflights (which name no client). */
  corsOrigins: CorsOrigins
  /** Client ID Metadata Documents and their cache; null when `clientIdMetadataDocuments` is off. */
  clientMetadataDocuments: ClientMetadataDocuments | null
  /** Clients' public keys (jwks, jwks_uri) and their cache, for private_key_jwt and request objects. */
  clientKeys: ClientKeys
  /** The JWS algorithms a client may sign with (assertions, request objects): CLIENT_JWT_ALGS, or a profile's. */
  clientJwtAlgs: readonly string[]
  /**
   * The runtime's `waitUntil` for this request (Workers' `ctx.waitUntil`), when it gave one:
   * carries audit events past the response, never a storage write the response depends on.
   */
  waitUntil?: (promise: Promise<unknown>) => void
  /**
   * The caller's address for this request: `config.clientAddress(request)` when set, else what the
   * runtime passed `handle` (see client-address.ts). Rate limits and audit events read it here.
   */
  clientAddress?: string
}
