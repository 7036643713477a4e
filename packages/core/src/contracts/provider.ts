import type { ClientsApi } from './clients.js'

/** The token behind a request that passed `verifyAccessToken`. */
export interface VerifiedToken {
  /** The resource owner; null for a client acting for itself (client_credentials). */
  sub: string | null
  client_id: string
  scopes: string[]
  /** Epoch seconds. */
  expires_at: number
  /** The resources the token is for (RFC 8707); empty when it named none. */
  audience: string[]
}

export interface VerifyOptions {
  /** Scopes the token must all carry; otherwise 403 insufficient_scope. */
  scopes?: string[]
  /**
   * This resource's indicator (RFC 8707): a token whose audience does not include it, or that has
   * no audience, is refused with 401 invalid_token, so a token for another API cannot be replayed here.
   */
  resource?: string
}

export interface Provider {
  /** Maps a request to a response. Bound: pass it detached to any Fetch runtime. */
  handle(request: Request, ...rest: unknown[]): Promise<Response>
  /** Whether a request's path is one of Grantline's, for host routers. */
  owns(request: Request): boolean
  verifyAccessToken(request: Request, options?: VerifyOptions): Promise<VerifiedToken | Response>
  clients: ClientsApi
  /**
   * Adds a signing key that is published now and signs once relying parties have re-fetched the
   * JWKS (docs/architecture.md "Formats"); needs `oidc`.
   */
  rotateSigningKey(): Promise<{ kid: string; activate_at: number }>
  /**
   * Makes an initial access token for client registration under `registration.policy: 'token'`
   * (RFC 7591 §3): shown once, stored hashed, registers one client, valid `expiresIn` seconds
   * (default 7 days).
   */
  createInitialAccessToken(options?: { expiresIn?: number }): Promise<{ token: string; expires_at: number }>
  /**
   * DOT's cleartokens: removes up to `limit` expired or revoked rows, and dynamic clients
   * (RFC 7591) unused for `registration.unusedClientDays` (30 when registration is off).
   */
  cleanup(limit?: number): Promise<number>
  readonly issuer: string
  /** Where the endpoints live, e.g. `/o`. */
  readonly basePath: string
}
