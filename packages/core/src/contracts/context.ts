import type { HashSlots } from './accounts.js'
import type { ClientAuthMethod } from './client-auth-method.js'
import type { ResolvedConfig } from './config.js'
import type { GrantConfig, GrantHandler } from './grant-handler.js'
import type { AttemptGate, ClientKeys, ClientMetadataDocuments, CorsOrigins, RateLimiter, SigningKeys } from './services.js'
import type { Client } from './storage.js'

/** What every endpoint reads: the validated configuration and the registries built from it. */
export interface ProviderContext {
  config: ResolvedConfig
  /** The endpoints' absolute URLs, from the issuer's origin and basePath. */
  endpoints: EndpointUrls
  /** The settings a grant may read (GrantServices.config): a frozen copy that holds no secret. */
  grantConfig: GrantConfig
  grants: ReadonlyMap<string, GrantHandler>
  /** The configured grant types plus every user-registered one. */
  enabledGrants: ReadonlySet<string>
  clientAuth: readonly ClientAuthMethod[]
  /** OIDC signing keys; null when OpenID Connect is off. */
  keys: SigningKeys | null
  /** Counts failed client authentications; null when rate limiting is off. */
  rateLimiter: RateLimiter | null
  /** Holds back client authentications per rate-limit key past maxFailures at once; null when rate limiting is off. */
  clientAuthAttempts: AttemptGate | null
  /** The origins some client allows, for CORS preflights (which name no client). */
  corsOrigins: CorsOrigins
  /** Client ID Metadata Documents and their cache; null when `clientIdMetadataDocuments` is off. */
  clientMetadataDocuments: ClientMetadataDocuments | null
  /** Clients' public keys (jwks, jwks_uri) and their cache, for private_key_jwt and request objects. */
  clientKeys: ClientKeys
  /** The JWS algorithms a client may sign with (assertions, request objects): CLIENT_JWT_ALGS, or a profile's. */
  clientJwtAlgs: readonly string[]
  /** Bounds the Django password derivations in flight (clients' imported secrets); the accounts' own when they share theirs. */
  hashSlots: HashSlots
}

/** The endpoints' absolute URLs, under the names discovery gives them (RFC 8414 §2, RFC 8628 §4). */
export interface EndpointUrls {
  readonly authorization_endpoint: string
  readonly token_endpoint: string
  readonly revocation_endpoint: string
  readonly introspection_endpoint: string
  readonly pushed_authorization_request_endpoint: string
  readonly userinfo_endpoint: string
  readonly end_session_endpoint: string
  readonly jwks_uri: string
  readonly registration_endpoint: string
  readonly device_authorization_endpoint: string
  readonly verification_uri: string
}

/**
 * What one request brought besides itself: the runtime's `waitUntil` and the caller's address,
 * and, once client authentication has passed, the client it proved to be. Made per request by
 * `handle`; the provider's context never changes.
 */
export interface RequestContext {
  readonly request: Request
  /**
   * The runtime's `waitUntil` (Workers' `ctx.waitUntil`), when it gave one: carries audit events
   * past the response, never a storage write the response depends on.
   */
  readonly waitUntil?: ((promise: Promise<unknown>) => void) | undefined
  /** The caller's address: `config.clientAddress(request)` when set, else what the runtime passed `handle`. */
  readonly clientAddress?: string | undefined
  /** The authenticated client (RFC 6749 §2.3), set by client authentication; CORS answers its origins. */
  client?: Client | undefined
}

/** A route handler. */
export type Endpoint = (provider: ProviderContext, request: Request, call: RequestContext) => Promise<Response>
