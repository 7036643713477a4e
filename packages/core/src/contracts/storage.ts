/**
 * The Storage contract. It follows the OAuth lifecycle, not a database: records are written once,
 * consumed once, rotated atomically and revoked by setting `revoked_at`. Times in records are
 * integer epoch seconds. Secrets never reach storage: every code, token and client secret is
 * keyed by the lowercase hex SHA-256 of its UTF-8 bytes.
 */

export type ClientType = 'confidential' | 'public'
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

/** A registered client, with RFC 7591 field names. */
export interface Client {
  client_id: string
  client_name: string
  client_type: ClientType
  /** A built-in method, or one registered through `clientAuthMethods` (RFC 7591 §2). */
  token_endpoint_auth_method: TokenEndpointAuthMethod | (string & {})
  grant_types: string[]
  response_types: string[]
  /** Canonicalised once at registration; matched by exact string at use. */
  redirect_uris: string[]
  post_logout_redirect_uris: string[]
  /** Space-separated scopes the client may request; empty means every configured scope. */
  scope: string
  allowed_cors_origins: string[]
  skip_authorization: boolean
  /** A resource server allowed to introspect every token (RFC 7662 §2.1). */
  introspection: boolean
  owner_sub: string | null
  created_at: number
  /**
   * SHA-256 hex of the client secret; null for public clients. A secret imported from Django OAuth
   * Toolkit 2+ keeps its Django hash (`pbkdf2_sha256$...`) until its first use replaces it.
   */
  secret_hash: string | null
  /**
   * The secret replaced by a rotation with a grace period: it keeps authenticating until
   * `previous_secret_expires_at` (epoch seconds); both null when there is none.
   */
  previous_secret_hash: string | null
  previous_secret_expires_at: number | null
  /**
   * Registered by itself at the registration endpoint (RFC 7591): its metadata is unverified, so
   * it never skips consent or introspects, and cleanup() removes it once unused for long.
   */
  dynamic: boolean
  /** RFC 7591 §2 informational metadata, shown and returned as registered; `{}` when none. */
  metadata: ClientMetadata
  /** SHA-256 hex of the registration access token (RFC 7592 §3); null when it has none. */
  registration_token_hash: string | null
}

/**
 * RFC 7591 §2 metadata, returned at the client configuration endpoint as registered. The links and
 * contacts are shown, not acted on; `jwks` / `jwks_uri` hold the keys of a `private_key_jwt`
 * client and of its request objects (RFC 7523, RFC 9101); the last three are the client's
 * settings from RFC 9126 §6, RFC 9449 §5.2 and RFC 9101 §10.1.
 */
export interface ClientMetadata {
  client_uri?: string
  logo_uri?: string
  tos_uri?: string
  policy_uri?: string
  contacts?: string[]
  software_id?: string
  software_version?: string
  jwks?: { keys: Record<string, unknown>[] }
  jwks_uri?: string
  require_pushed_authorization_requests?: boolean
  dpop_bound_access_tokens?: boolean
  request_object_signing_alg?: string
  /**
   * For a client that authenticates with a secret: the ways of sending it that are accepted
   * besides its `token_endpoint_auth_method`, of client_secret_basic and client_secret_post (RFC
   * 6749 §2.3.1). An import from Django OAuth Toolkit sets both, since DOT took a secret either way.
   */
  secret_methods?: ('client_secret_basic' | 'client_secret_post')[]
}

/**
 * An initial access token (RFC 7591 §3): made by the operator, it lets whoever holds it register
 * one client at the registration endpoint when `registration.policy` is 'token'. Single-use: it is
 * consumed by the registration it authorises; kept as a tombstone until it expires.
 */
export interface InitialAccessToken {
  hash: string
  created_at: number
  expires_at: number
  consumed_at: number | null
}

/** What a user approved for a client; revoking it ends every family it covers. */
export interface Consent {
  id: string
  sub: string
  client_id: string
  scopes: string[]
  created_at: number
  revoked_at: number | null
}

/** One authorization grant: the tokens of one code, or of one client_credentials/password issue. */
export interface Family {
  id: string
  consent_id: string | null
  client_id: string
  sub: string | null
  scopes: string[]
  auth_time: number | null
  acr: string | null
  amr: string[] | null
  nonce: string | null
  claims: string | null
  resource: string[]
  created_at: number
  expires_at: number
  revoked_at: number | null
}

export interface CodeRecord {
  hash: string
  family_id: string
  client_id: string
  /** The redirect_uri sent in the authorization request, or null when it was omitted. */
  redirect_uri: string | null
  code_challenge: string | null
  code_challenge_method: 'S256' | 'plain' | null
  created_at: number
  /**
   * When the row, and so its tombstone once consumed, may go: created_at + ttl.code +
   * ttl.accessToken, not when the code stops being redeemable. A replay must be recognised for as
   * long as an access token of the first redemption (made at most ttl.code after the code) may
   * live, so that it revokes them (RFC 6749 §4.1.2); the authorization_code grant itself refuses a
   * code older than ttl.code.
   */
  expires_at: number
  consumed_at: number | null
}

export interface AccessTokenRecord {
  hash: string
  family_id: string
  client_id: string
  sub: string | null
  scopes: string[]
  /** The resources it is for (RFC 8707): some or all of its family's; empty when none was named. */
  audience: string[]
  /** The JWK SHA-256 thumbprint of the DPoP key it is bound to (RFC 9449 §6); null when Bearer. */
  cnf_jkt: string | null
  created_at: number
  expires_at: number
  revoked_at: number | null
}

export interface RefreshTokenRecord {
  hash: string
  family_id: string
  client_id: string
  sub: string | null
  scopes: string[]
  /** The access token issued alongside, revoked with it when a grace rotation moves the chain. */
  access_hash: string | null
  /** A public client's refresh token is bound to its DPoP key (RFC 9449 §5); null otherwise. */
  cnf_jkt: string | null
  created_at: number
  expires_at: number
  revoked_at: number | null
  used_at: number | null
  successor_hash: string | null
}

/** A pending consent decision: the whole validated authorization request, single-use. */
export interface Interaction {
  id: string
  session_id: string
  sub: string
  client_id: string
  params: Record<string, string>
  created_at: number
  expires_at: number
  consumed_at: number | null
}

/**
 * A pushed authorization request (RFC 9126 §2): the validated request parameters of one client,
 * keyed by the SHA-256 hex of its `request_uri`; single-use, kept as a tombstone until it expires.
 */
export interface PushedRequest {
  hash: string
  client_id: string
  params: Record<string, string>
  created_at: number
  expires_at: number
  consumed_at: number | null
}

/**
 * A signing key. Its state follows from time alone, so instances never race on transitions:
 * `next` before `activate_at` (published, not signing), then `active` until a newer key activates,
 * then `retired` (still published until every token it signed has expired).
 */
export interface SigningKeyRecord {
  kid: string
  alg: string
  /** The public JWK, published at the JWKS endpoint. */
  public_jwk: Record<string, unknown>
  /** The private JWK as a compact JWE (`dir`, `A256GCM`) under the key-encryption key; never plain. */
  private_jwe: string
  created_at: number
  activate_at: number
}

/** Where a device authorization stands (RFC 8628 §3.3): the user decides once. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied'

/**
 * A device authorization request (RFC 8628 §3.1, §3.2): keyed by the SHA-256 hex of its
 * device_code, found by the SHA-256 hex of its normalised user_code. Its scopes and resources were
 * resolved when it was made and are exactly what its tokens carry.
 */
export interface DeviceAuthorization {
  device_code_hash: string
  user_code_hash: string
  client_id: string
  scopes: string[]
  resource: string[]
  status: DeviceAuthorizationStatus
  /** The user who approved it, and when they authenticated; null until approved. */
  sub: string | null
  auth_time: number | null
  /** The minimum seconds between polls (RFC 8628 §3.5): raised by 5 at each slow_down. */
  poll_interval: number
  last_polled_at: number | null
  created_at: number
  expires_at: number
  /** Set when its tokens were issued; it stays as a tombstone until it expires. */
  consumed_at: number | null
}

/** A user's decision on a device authorization (RFC 8628 §3.3). */
export type DeviceDecision = { status: 'approved'; sub: string; auth_time: number } | { status: 'denied' }

/**
 * What one poll of the token endpoint found (RFC 8628 §3.5): `slow_down` when it came sooner than
 * `poll_interval` seconds after the previous one (the interval is then raised by 5 s and stored);
 * `approved` at most once (the record is consumed in the same step); `reused` once consumed;
 * `expired` past `expires_at`; `absent` for an unknown code.
 */
export type DevicePollResult =
  | { status: 'approved'; record: DeviceAuthorization }
  | { status: 'pending' | 'denied' | 'slow_down' | 'reused'; record: DeviceAuthorization }
  | { status: 'expired' | 'absent' }

export interface Consumables {
  code: CodeRecord
  interaction: Interaction
  initial_access_token: InitialAccessToken
  pushed_request: PushedRequest
}

export type ConsumeResult<T> = { status: 'ok'; record: T } | { status: 'reused'; record: T } | { status: 'absent' }

export interface TokenWithFamily<T> {
  token: T
  family: Family
}

export interface IssuedTokens {
  /** A new family, stored in the same step as its first tokens. */
  family?: Family
  access: AccessTokenRecord
  refresh?: RefreshTokenRecord
}

export type RotateResult = { status: 'ok' } | { status: 'reused'; family_id: string } | { status: 'absent' }

/**
 * The hits of one rate-limit key in fixed windows of `windowSeconds` that start at multiples of
 * it (epoch seconds): the window holding `now` and the one just before.
 */
export interface HitCounts {
  current: number
  previous: number
}

export interface StorageCapabilities {
  /** consume, rotateRefresh and decide-once operations are atomic across every instance. */
  atomicConsume: boolean
}

/**
 * What Grantline needs from a database. Every read of a token returns it only when the token,
 * its family and its family's consent are all unrevoked and unexpired at `now` (epoch seconds).
 */
export interface Storage {
  readonly capabilities: StorageCapabilities

  getClient(clientId: string): Promise<Client | null>
  /** Inserts the client, or replaces the one with the same client_id. */
  putClient(client: Client): Promise<void>
  /** Removes the client and revokes every consent and family it holds (RFC 7592 §2.3). */
  deleteClient(clientId: string, now: number): Promise<void>
  listClients(filter?: { owner_sub?: string }): Promise<Client[]>

  /** The newest unrevoked consent of `sub` for `clientId`. */
  findConsent(sub: string, clientId: string): Promise<Consent | null>
  putConsent(consent: Consent): Promise<void>
  listConsents(sub: string): Promise<Consent[]>
  /** Revokes the consent (and through it every family it covers); false when absent. */
  revokeConsent(id: string, now: number): Promise<boolean>
  /**
   * Revokes every consent and every family of the user `sub`, as deleting the user must (RFC 9700
   * §4.14, RFC 7009 §2.1): none of their codes, access or refresh tokens is found afterwards, and
   * other users' grants are untouched. Like every revocation it sets `revoked_at` (on the consents
   * and families, or an equivalent mark that every token read checks), never enumerating token
   * rows, in one atomic step (one SQL batch; one Deno KV commit ends the families). Idempotent;
   * grants made for `sub` afterwards live as usual.
   */
  revokeSubject(sub: string, now: number): Promise<void>

  createInteraction(interaction: Interaction): Promise<void>
  getInteraction(id: string, now: number): Promise<Interaction | null>

  createInitialAccessToken(token: InitialAccessToken): Promise<void>
  /** The token when it is unexpired and unconsumed at `now`; `consume` takes it. */
  getInitialAccessToken(hash: string, now: number): Promise<InitialAccessToken | null>

  /** Stores a pushed authorization request (RFC 9126); `consume('pushed_request', ...)` takes it. */
  createPushedRequest(request: PushedRequest): Promise<void>

  /**
   * Stores a code with its family. The family's tokens are issued at redemption.
   */
  createCode(code: CodeRecord, family: Family): Promise<void>
  /**
   * Marks a single-use record consumed, atomically. A consumed record stays as a tombstone until
   * it expires, so a replay answers `reused`; expired or unknown records answer `absent`.
   */
  consume<K extends keyof Consumables>(kind: K, key: string, now: number): Promise<ConsumeResult<Consumables[K]>>

  getFamily(id: string, now: number): Promise<Family | null>
  createFamily(family: Family): Promise<void>
  revokeFamily(id: string, now: number): Promise<void>

  /** Stores tokens (and a new family, when given) in one step. */
  issueTokens(tokens: IssuedTokens): Promise<void>
  /**
   * A valid access token with its family. `consistent` marks a caller whose answer must reflect
   * every revocation so far (introspection, revocation): a caching wrapper reads its Storage then.
   */
  findAccessToken(hash: string, now: number, options?: { consistent?: boolean }): Promise<TokenWithFamily<AccessTokenRecord> | null>
  /** A valid refresh token, including a used one (its `used_at` is set) for reuse detection. */
  findRefreshToken(hash: string, now: number): Promise<TokenWithFamily<RefreshTokenRecord> | null>
  revokeAccessToken(hash: string, now: number): Promise<void>
  /**
   * Marks the refresh token `oldHash` used with `next.refresh` as its successor and stores `next`,
   * atomically. When the old token was already used less than `graceSeconds` ago and its
   * successor is still unused, the successor (and its access token) is revoked and replaced: the
   * chain moves, it never forks. Any other reuse answers `reused`; the caller revokes the family.
   */
  rotateRefresh(
    oldHash: string,
    next: { access: AccessTokenRecord; refresh: RefreshTokenRecord },
    now: number,
    graceSeconds: number,
  ): Promise<RotateResult>

  listSigningKeys(): Promise<SigningKeyRecord[]>
  /**
   * Stores a signing key. With `ifNone`, only when no key exists at all (the first key, made by
   * whichever instance wins); answers whether it was stored.
   */
  addSigningKey(key: SigningKeyRecord, options?: { ifNone?: boolean }): Promise<boolean>

  /**
   * Optional device authorizations (RFC 8628); the device grant needs all four. A record is read
   * by user code only while it is pending and unexpired at `now`.
   */
  createDeviceAuthorization?(record: DeviceAuthorization): Promise<void>
  findDeviceAuthorization?(userCodeHash: string, now: number): Promise<DeviceAuthorization | null>
  /**
   * Records the user's decision, atomically and once: true only for the caller that moved a
   * pending, unexpired record; every other decision answers false.
   */
  decideDeviceAuthorization?(userCodeHash: string, decision: DeviceDecision, now: number): Promise<boolean>
  /**
   * One poll by device code hash (RFC 8628 §3.5), atomic: concurrent polls get `approved` once. A
   * record of another client answers `absent` and is left untouched.
   */
  pollDeviceAuthorization?(deviceCodeHash: string, clientId: string, now: number): Promise<DevicePollResult>

  /**
   * Remembers that the single-use value `key` of `kind` (a client assertion's or a DPoP proof's
   * `jti`, stored by its SHA-256 hex) was seen, until `expiresAt` (epoch seconds), atomically:
   * true for the first caller, false while it is remembered and unexpired at `now`, so a replay is
   * refused (RFC 7523 §3, RFC 9449 §11.1). One conditional insert, never a read then a write.
   * Optional: private_key_jwt and DPoP need it, and createProvider refuses them without it.
   */
  remember?(kind: string, key: string, expiresAt: number, now: number): Promise<boolean>

  /**
   * Optional rate-limit counters: counts one hit of `key` in the window holding `now` and answers
   * that window's and the previous window's hits, atomically (concurrent hits all count, each
   * answer includes its own). A key always uses the same `windowSeconds`. Without `hit` and
   * `countHits` (and without a `rateLimit.limiter`), rate limiting is off.
   */
  hit?(key: string, now: number, windowSeconds: number): Promise<HitCounts>
  /** The counts `hit` would answer at `now`, without counting a hit; zeros for an unknown key. */
  countHits?(key: string, now: number, windowSeconds: number): Promise<HitCounts>

  /**
   * Removes up to `limit` expired or revoked rows (and stale rate-limit counters); returns how many
   * went. With `options.unusedDynamicClientSeconds`, also removes, as deleteClient does, each
   * dynamic client created at least that long ago that no family shows in use: none created since
   * then, and none still live (unrevoked and unexpired). Each removed client counts as one row.
   */
  cleanup(now: number, limit?: number, options?: CleanupOptions): Promise<number>
}

export interface CleanupOptions {
  /** The idle time after which a dynamic client (RFC 7591) is removed; unset keeps them all. */
  unusedDynamicClientSeconds?: number
}
