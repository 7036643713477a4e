import type { Accounts } from './accounts.js'
import type { ClientAuthMethod } from './client-auth-method.js'
import type { ConsentContext } from './consent.js'
import type { AuditEvent } from './events.js'
import type { GrantHandler } from './grant-handler.js'
import type { OnRegister } from './registration.js'
import type { ResourceEntry } from './resources.js'
import type { RateLimiter } from './services.js'

import type { Storage } from './storage.js'

// Written out rather than inferred from the valibot schema in config/config.ts, so that the published
// types need no inference (JSR's "no slow types") and each setting carries its documentation;
// config/config.ts fails to compile when the two drift apart. Lifetimes are in seconds.

/** Token and code lifetimes, in seconds. */
export interface TtlOptions {
  /** Default 3600. */
  accessToken?: number | undefined
  /** Authorization codes (RFC 6749 §4.1.2 recommends at most 10 minutes). Default 60. */
  code?: number | undefined
  /** Each refresh token. Default 14 days. */
  refreshToken?: number | undefined
  /** Absolute lifetime of a grant: no refresh token outlives it. Default 90 days. */
  family?: number | undefined
  /** A login or consent interaction. Default 600. */
  interaction?: number | undefined
  /** RFC 8628 §3.2 expires_in: how long a device_code and its user_code live. Default 600. */
  deviceCode?: number | undefined
}

/** PKCE (RFC 7636) policy. */
export interface PkceOptions {
  /** Which clients must send a code_challenge. Default 'all' (RFC 9700 §2.1.1). */
  required?: 'all' | 'public' | 'none' | undefined
  /** Accept the `plain` method besides S256. Default false. */
  allowPlain?: boolean | undefined
}

/** OpenID Connect; present means enabled. */
export interface OidcOptions {
  /** base64url of 32 random bytes, from the environment: encrypts private signing keys at rest. */
  keyEncryptionKey: string
  /** Default 'RS256'. */
  signingAlg?: 'RS256' | 'ES256' | 'EdDSA' | undefined
  /** Cache-Control max-age of the JWKS; a new key is published at least this long before it signs. Default 600. */
  jwksMaxAge?: number | undefined
  /** Default 3600. */
  idTokenTtl?: number | undefined
  /** Make the first signing key inside a request when none exists (off on Workers). Default true. */
  createKeysOnDemand?: boolean | undefined
  /** Also end the client's grants at RP-initiated logout. Default false. */
  revokeOnLogout?: boolean | undefined
}

/** Failed client authentications allowed per client_id and client address in a sliding window. */
export interface ClientAuthRateLimit {
  /** Default 10. */
  maxFailures?: number | undefined
  /** Default 300. */
  windowSeconds?: number | undefined
  /** Counts somewhere else than the Storage's `hit`/`countHits`. */
  limiter?: RateLimiter | undefined
}

/** draft-ietf-oauth-client-id-metadata-document: an `https` client_id with a path names its metadata. */
export interface ClientIdMetadataDocumentOptions {
  /** A trust policy: whether a Client Identifier URL (already checked for SSRF) may be used. */
  allow?: ((url: URL) => boolean | Promise<boolean>) | undefined
  /** Bounds on the Cache-Control lifetime a document is cached for. Default 60 to 86400. */
  cacheSeconds?: { min?: number | undefined; max?: number | undefined } | undefined
  /** Default 5120. */
  maxBytes?: number | undefined
  /** Default 5000. */
  timeoutMs?: number | undefined
}

/** RFC 7591 dynamic client registration and RFC 7592 management; present means on. */
export interface RegistrationOptions {
  /** 'open': anyone may register within limits; 'token': an initial access token is required (RFC 7591 §3). */
  policy: 'open' | 'token'
  /** Decides each registration or update: adjust, accept or refuse it. */
  onRegister?: OnRegister | undefined
  /** Registration requests allowed per client address in a sliding window; then 429. `false` turns it off. */
  rateLimit?: false | { max?: number | undefined; windowSeconds?: number | undefined } | undefined
  /** cleanup() removes a dynamic client once no grant shows it used for this many days. Default 30. */
  unusedClientDays?: number | undefined
}

/** RFC 9449 DPoP; proofs are accepted whenever the Storage has `remember` (a proof's `jti` is single use). */
export interface DpopOptions {
  /** Refuse every token request without a DPoP proof, so that no Bearer token is issued. Default false. */
  required?: boolean | undefined
  /** RFC 9449 §8, §9: every proof must carry a server nonce (`use_dpop_nonce`, `DPoP-Nonce`). Default false. */
  nonce?: boolean | undefined
  /** How long a nonce is current; the previous one is accepted as long again. Default 300. */
  nonceSeconds?: number | undefined
  /** How old, by its `iat`, a proof may be. Default 60. */
  proofMaxAge?: number | undefined
  /** How far ahead a proof's `iat` may be. Default 5. */
  clockSkew?: number | undefined
  /** The proof signature algorithms accepted. Default all four. */
  algs?: ('ES256' | 'RS256' | 'PS256' | 'EdDSA')[] | undefined
}

/** RFC 9126 pushed authorization requests (the endpoint `{basePath}/par/` is always on). */
export interface ParOptions {
  /** Refuse every authorization request that was not pushed (RFC 9126 §5). Default false. */
  required?: boolean | undefined
  /** Lifetime of a request_uri in seconds, at most 600. Default 60. */
  ttl?: number | undefined
}

/** What `createProvider` takes; validated once at start-up (a bad value throws a coded ConfigError). */
export interface ProviderConfig {
  /** The issuer identifier (RFC 8414 §2): an http(s) URL without query or fragment. */
  issuer: string
  /** Where the endpoints live under the issuer's origin. Default '/o'. */
  basePath?: string | undefined
  storage: Storage
  accounts: Accounts
  /** At least one value of 32 or more characters; the first signs, all verify (rotation). */
  secrets: string[]
  /** Scope names and their descriptions for the consent page. Default read and write. */
  scopes?: Record<string, string> | undefined
  /** What a request without `scope` gets. Default every configured scope. */
  defaultScopes?: string[] | undefined
  ttl?: TtlOptions | undefined
  /** Default true. */
  rotateRefreshTokens?: boolean | undefined
  /** Within this window a rotated refresh token may be presented again (a lost response); the chain never forks. Default 0. */
  refreshGraceSeconds?: number | undefined
  pkce?: PkceOptions | undefined
  /** Default authorization_code, refresh_token and client_credentials. */
  grantTypes?: string[] | undefined
  /** Treat a registered `http://localhost` redirect URI like 127.0.0.1: any port matches (RFC 8252 §7.3). Default false. */
  allowLocalhostLoopback?: boolean | undefined
  /** DOT's REQUEST_APPROVAL_PROMPT: 'auto' reuses an earlier consent that covers the scopes. Default 'auto'. */
  approvalPrompt?: 'auto' | 'force' | undefined
  oidc?: OidcOptions | undefined
  /**
   * RFC 8707 resource indicators: the resources tokens may be issued for, or 'any'. Unset, a
   * `resource` parameter is refused with invalid_target.
   */
  resources?: 'any' | ResourceEntry[] | undefined
  /** DOT's application and authorized-token pages under `basePath`; a host app may turn them off. Default true. */
  managementPages?: boolean | undefined
  /** Extension grants (RFC 6749 §4.5) and replacements of the built-ins of the same grant_type. */
  grants?: GrantHandler[] | undefined
  /** Client authentication methods (RFC 6749 §2.3) besides the built-ins; the same name replaces one. */
  clientAuthMethods?: ClientAuthMethod[] | undefined
  renderConsent?: ((context: ConsentContext) => Response | Promise<Response>) | undefined
  onError?: ((error: unknown, request: Request) => unknown) | undefined
  onEvent?: ((event: AuditEvent) => unknown) | undefined
  /** Operator warnings, such as the one said once when requests arrive without a client address. Default `console.warn`. */
  onWarning?: ((message: string) => unknown) | undefined
  /**
   * Failed client authentications allowed at the token, revocation and introspection endpoints;
   * then 429 with Retry-After. `false` turns it off.
   */
  rateLimit?: false | ClientAuthRateLimit | undefined
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined
  /** Outbound HTTP (client ID metadata documents). Default the runtime's `fetch`. */
  fetch?: typeof fetch | undefined
  clientIdMetadataDocuments?: ClientIdMetadataDocumentOptions | undefined
  /**
   * The caller's address, replacing the one the runtime passes `handle` (behind a reverse proxy):
   * read the header your proxy sets and no other. Undefined means unknown.
   */
  clientAddress?: ((request: Request) => string | undefined) | undefined
  registration?: RegistrationOptions | undefined
  dpop?: DpopOptions | undefined
  par?: ParOptions | undefined
  /**
   * 'fapi2' applies the FAPI 2.0 Security Profile: PAR, PKCE S256, private_key_jwt, DPoP, no
   * password or implicit, codes of at most 60 s. A setting that contradicts it is a start-up error.
   */
  profile?: 'fapi2' | undefined
}
