import type { Client, TokenEndpointAuthMethod } from './storage.js'

/** Client metadata as given to `provider.clients.create` (RFC 7591 §2 names); omitted fields take defaults. */
export interface ClientInput {
  /** 1-255 visible ASCII characters; a random 24-character id when omitted. */
  client_id?: string | undefined
  client_name: string
  /** Default 'confidential'. */
  client_type?: 'confidential' | 'public' | undefined
  /** A built-in method or one the provider registered (`clientAuthMethods`). */
  token_endpoint_auth_method?: TokenEndpointAuthMethod | (string & {}) | undefined
  /** Default authorization_code and refresh_token. */
  grant_types?: string[] | undefined
  /** Omitted means derived from grant_types (code, token). */
  response_types?: string[] | undefined
  redirect_uris?: string[] | undefined
  post_logout_redirect_uris?: string[] | undefined
  scope?: string | undefined
  allowed_cors_origins?: string[] | undefined
  /** Set by the operator only: this client's users are never asked for consent. */
  skip_authorization?: boolean | undefined
  /** Whether this client may call the introspection endpoint (RFC 7662). */
  introspection?: boolean | undefined
  /** The user who owns the client on the management pages; null for one the operator made. */
  owner_sub?: string | null | undefined
  /** RFC 9126 §6: refuse this client's authorization requests unless pushed. Kept in `metadata`. */
  require_pushed_authorization_requests?: boolean | undefined
  /** RFC 9449 §5.2: refuse this client's token requests without a DPoP proof. Kept in `metadata`. */
  dpop_bound_access_tokens?: boolean | undefined
  /**
   * RFC 6749 §2.3.1: the ways of sending the secret accepted besides `token_endpoint_auth_method`
   * (client_secret_basic, client_secret_post); null or [] removes the setting. Kept in `metadata`;
   * dropped when the client does not authenticate with a secret.
   */
  secret_methods?: ('client_secret_basic' | 'client_secret_post')[] | null | undefined
  /**
   * RFC 7591 §2: the client's public keys, for private_key_jwt (RFC 7523) and request objects
   * (RFC 9101); null removes them. Kept in `metadata`; never with `jwks_uri`.
   */
  jwks?: PublicJwks | null | undefined
  /** RFC 7591 §2: where the client publishes its public keys (https); null removes it. Kept in `metadata`. */
  jwks_uri?: string | null | undefined
}

export type ClientUpdate = Partial<Omit<ClientInput, 'client_id'>>

/** `provider.clients`: the operator's API over the clients in Storage. */
export interface ClientsApi {
  /** Registers a client; a confidential one gets a secret, answered once. */
  create(input: ClientInput): Promise<CreatedClient>
  get(clientId: string): Promise<Client | null>
  list(filter?: { owner_sub?: string }): Promise<Client[]>
  /** Changes metadata; client_type cannot change. */
  update(clientId: string, patch: ClientUpdate): Promise<Client>
  /** Issues a new secret for a confidential client; the old one stops working at once. */
  resetSecret(clientId: string): Promise<string>
  /**
   * Issues a new secret for a confidential client; the old one keeps working for `graceSeconds`
   * (0: it stops at once, at most 366 days). The new secret is answered once.
   */
  rotateSecret(clientId: string, options: { graceSeconds: number }): Promise<RotatedSecret>
  delete(clientId: string): Promise<void>
}

/** A new client and, for a confidential one, its secret: shown once, stored only as a hash. */
export interface CreatedClient {
  client: Client
  client_secret?: string
}

/** A new client secret, shown once, and until when the old one still authenticates. */
export interface RotatedSecret {
  client: Client
  client_secret: string
  /** Epoch seconds; null when the old secret ended at once (a grace of 0). */
  previous_secret_expires_at: number | null
}

/** A client's public JWK Set (RFC 7517 §5), as stored in its metadata. */
export interface PublicJwks {
  keys: Record<string, unknown>[]
}
