import type { Accounts } from './accounts.js'
import type { AuditEventInput } from './events.js'
import type { Params } from './params.js'
import type { ResourcesSetting } from './resources.js'
import type { AccessTokenRecord, Client, Family, Storage } from './storage.js'
import type { IdTokenInput, Minted, TokenResponse } from './tokens.js'

/** What a new grant holds: its scopes, and the user (and the consent it hangs from) when there is one. */
export type GrantFields = Pick<Family, 'scopes'> & Partial<Pick<Family, 'sub' | 'auth_time' | 'acr' | 'amr' | 'resource' | 'consent_id'>>

/**
 * The settings a grant reads: scopes (RFC 6749 §3.3), lifetimes, resources (RFC 8707) and the
 * refresh-token policy (RFC 9700 §4.14.2). Read-only, and without the secrets the provider holds
 * (the key-encryption key, signing keys).
 */
export interface GrantConfig {
  readonly issuer: string
  readonly scopes: Record<string, string>
  readonly defaultScopes: string[]
  /** Lifetimes in seconds, defaults applied. */
  readonly ttl: Lifetimes
  /** Unset when the server accepts no `resource` parameter. */
  readonly resources?: ResourcesSetting | undefined
  readonly grantTypes: string[]
  readonly rotateRefreshTokens: boolean
  readonly refreshGraceSeconds: number
}

/** Token, code and grant lifetimes in seconds (the `ttl` setting with its defaults). */
export interface Lifetimes {
  accessToken: number
  code: number
  refreshToken: number
  family: number
  interaction: number
  deviceCode: number
}

/** What the token endpoint gives a grant to work with: the services, never the provider's secrets. */
export interface GrantServices {
  config: GrantConfig
  storage: Storage
  accounts: Accounts
  /** The caller's address when the runtime or `clientAddress` knows it (rate limits, audit events). */
  clientAddress?: string
  /** Reports an audit event to `onEvent`; never throws and never delays the response. */
  emit(event: AuditEventInput): void
  /**
   * Stores a new grant (family) with its access token, and a refresh token when `refresh` is set
   * and both server and client use refresh_token; answers the RFC 6749 §5.1 response and reports
   * `token.issued` once.
   */
  issue(fields: GrantFields, options?: { refresh?: boolean }): Promise<TokenResponse>
  /**
   * A new access token of an existing family, not yet stored: for `audience` (RFC 8707 §2.2; the
   * family's resources by default), its scopes cut to what the audience understands, opaque or an
   * RFC 9068 JWT as the audience's resources ask. Signing happens here, before the grant stores
   * anything.
   */
  mintAccessToken(family: Family, scopes: string[], audience?: string[]): Promise<Minted<AccessTokenRecord>>
  /**
   * Signs an ID Token for the family (OIDC Core §3.1.3.3, §12.2), or answers undefined when none
   * is due: OpenID Connect off, no `openid` scope, or no user.
   */
  signIdToken(input: IdTokenInput): Promise<string | undefined>
}

/** One token request, with the services: what a grant's `handle` receives. */
export interface GrantContext extends GrantServices {
  request: Request
  params: Params
  /** The authenticated client, already allowed to use this grant. */
  client: Client
  /**
   * RFC 9449: the thumbprint of the key of the request's valid DPoP proof; null without one. The
   * tokens `issue` and `mintAccessToken` make are bound to it.
   */
  dpopJkt: string | null
  /** Epoch seconds. */
  now: number
}

/**
 * One grant type of the token endpoint (RFC 6749 §4). Register more through
 * `createProvider({ grants: [...] })`; a handler throws OAuthError for protocol errors.
 */
export interface GrantHandler {
  grantType: string
  /**
   * The parameters this grant reads, besides grant_type and client authentication: documentation
   * only. The endpoint never refuses a parameter missing from it, since RFC 6749 §3.2 says
   * unrecognized request parameters MUST be ignored.
   */
  parameters?: readonly string[]
  handle(context: GrantContext): Promise<TokenResponse>
}
