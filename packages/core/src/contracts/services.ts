import type { JWTVerifyGetKey } from 'jose'
import type { Client, SigningKeyRecord } from './storage.js'

/** The per-provider reader of clients' public keys (RFC 7591 §2 `jwks`, `jwks_uri`), with its cache. */
export interface ClientKeys {
  /**
   * A jose key resolver over the client's keys: its `jwks`, or its `jwks_uri` fetched and cached,
   * refetched once (rate-limited) when a JWT names a `kid` the cached set lacks (OIDC Core §10.1.1).
   * Throws OAuthError `invalid_client` when the client has no keys or they cannot be read.
   */
  resolver(client: Client): JWTVerifyGetKey
}

/** The per-provider reader of Client ID Metadata Documents, with its cache. */
export interface ClientMetadataDocuments {
  /** The client a Client Identifier URL names: cached, or fetched and validated; throws invalid_client. */
  load(clientId: string): Promise<MetadataDocumentClient>
  /** Whether `load` would answer from the cache, without a fetch. */
  cached(clientId: string): boolean
}

/** What the consent page may show beside the Client record: the document's identity and links. */
export interface ClientDisplay {
  /** The host of the client_id URL: the identity the user can check (§8.5). */
  host: string
  client_uri?: string
  logo_uri?: string
}

/** A client read from its metadata document. */
export interface MetadataDocumentClient {
  client: Client
  display: ClientDisplay
}

/** The origins some client lists in `allowed_cors_origins`. */
export interface CorsOrigins {
  has(origin: string): Promise<boolean>
}

/**
 * Decides whether a caller may try to authenticate, and learns of its failures: the
 * `rateLimit.limiter` hook. Keys are opaque (a hash naming one client_id at one address, or one
 * client_id when no address is known); times are epoch seconds; `retryAfter` is in seconds.
 */
export interface RateLimiter {
  check(key: string, now: number): Promise<{ allowed: boolean; retryAfter: number }>
  fail(key: string, now: number): Promise<void>
}

/** Lets at most a number of attempts per key run at once in this process; `enter` resolves to the release of its slot. */
export interface AttemptGate {
  enter(key: string): Promise<() => void>
}

export interface RateLimitPolicy {
  maxFailures: number
  windowSeconds: number
}

export type SigningAlg = 'RS256' | 'ES256' | 'EdDSA'

export interface Signer {
  kid: string
  alg: SigningAlg
  privateKey: CryptoKey
}

/** The provider's OIDC signing keys (RFC 7517), rotated through Storage; null in the context when OIDC is off. */
export interface SigningKeys {
  /** The active key, decrypted; null when there is none yet (and none may be made here). */
  signer(): Promise<Signer | null>
  /** RFC 7517 key set: next, active and still-needed retired public keys. */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>
  /** Adds a key that is published now and signs once relying parties have re-fetched the JWKS. */
  rotate(): Promise<SigningKeyRecord>
}
