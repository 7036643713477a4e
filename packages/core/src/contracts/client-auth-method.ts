import type { Params } from './params.js'
import type { ClientKeys } from './services.js'

import type { Client, Storage, TokenEndpointAuthMethod } from './storage.js'

/** What a method found in a request: who the caller says it is, and its proof. */
export interface ClientCredentials {
  clientId: string
  /** A shared secret (RFC 6749 §2.3.1). */
  secret?: string
  /**
   * An assertion (RFC 7521 §4.2: `client_assertion` and `client_assertion_type`), for methods such
   * as private_key_jwt (RFC 7523 §2.2).
   */
  assertion?: { type: string; value: string }
}

/** Where and when the credentials were presented: what an assertion is checked against. */
export interface ClientAuthContext {
  request: Request
  /** The request's form parameters. */
  params: Params
  /**
   * The absolute URL of the endpoint authenticating the client (token, pushed authorization
   * request, revocation, introspection or device authorization), built from the configured
   * issuer, never from the request: an assertion's audience (RFC 7523 §3).
   */
  endpoint: string
  /**
   * The token endpoint's absolute URL, which identifies the server as an assertion's audience at
   * every endpoint (RFC 7523 §3; RFC 9126 §2 requires it at the pushed authorization request endpoint).
   */
  tokenEndpoint: string
  /** The issuer, also an acceptable audience of an assertion (RFC 7523 §3). */
  issuer: string
  /** Epoch seconds, for an assertion's exp and iat (RFC 7523 §3). */
  now: number
  /** The clients' registered public keys (RFC 7591 §2 `jwks`, `jwks_uri`), to verify an assertion's signature. */
  keys: ClientKeys
  /**
   * The storage's atomic single use (Storage.remember), to refuse a replayed assertion `jti`
   * (RFC 7523 §3); absent when the storage has none.
   */
  remember?: Storage['remember']
}

/**
 * One client authentication method (RFC 6749 §2.3, RFC 7591 `token_endpoint_auth_method`):
 * `extract` finds its credentials in a request, or answers null when the request did not use it
 * (and throws OAuthError `invalid_client` when they are malformed); `verify` checks them against
 * the client that registered this method. Register more through
 * `createProvider({ clientAuthMethods: [...] })`.
 */
export interface ClientAuthMethod {
  /** The RFC 7591 `token_endpoint_auth_method` name, as clients register it and discovery lists it. */
  name: TokenEndpointAuthMethod | (string & {})
  /**
   * The JWS algorithms a signed assertion may use, for a method that takes one (RFC 8414 §2
   * `token_endpoint_auth_signing_alg_values_supported`).
   */
  signingAlgs?: readonly string[]
  extract(request: Request, params: Params): ClientCredentials | null
  verify(client: Client, credentials: ClientCredentials, context: ClientAuthContext): Promise<boolean>
}
