/** The access behind a request that passed `verify`. */
export interface VerifiedAccess {
  /** The resource owner; null for a client acting for itself (client_credentials). */
  sub: string | null
  client_id: string
  scopes: string[]
  /** Epoch seconds. */
  expires_at: number
  /**
   * The token's audiences (RFC 8707); always includes this resource in remote mode, and in
   * same-process mode whenever the provider reports it (empty when it does not).
   */
  audience: string[]
  /** RFC 9449 §6: the thumbprint of the DPoP key the token is bound to (remote mode), already matched by the request's proof. */
  cnf?: { jkt: string }
}

/** What the same-process authorization server answers for a valid token. */
export interface ProviderAccess {
  sub: string | null
  client_id: string
  scopes: string[]
  expires_at: number
  audience?: string[]
}

/**
 * The part of a Grantline provider that same-process mode uses, described structurally so that
 * this package never loads the authorization server: a `Provider` from `@grantline/core`
 * satisfies it as it is.
 */
export interface SameProcessProvider {
  readonly issuer: string
  verifyAccessToken(request: Request, options?: { resource?: string; scopes?: string[] }): Promise<ProviderAccess | Response>
}

/** Settings shared by both modes. */
export interface CommonOptions {
  /**
   * The resource indicator (RFC 8707 §2): an absolute `https` URI (`http` on a loopback host)
   * without a fragment, e.g. `https://mcp.example/mcp`. Canonicalised as the authorization
   * server does (lowercase scheme and host, default port dropped, path kept).
   */
  resource: string
  /** RFC 9728 §2 `scopes_supported`: the scopes this resource understands. */
  scopes?: string[]
  /** RFC 9728 §2 `resource_name`: a human-readable name. */
  resourceName?: string
  /**
   * RFC 9728 §2 `bearer_methods_supported`. Only `header` (RFC 6750 §2.1) is accepted by
   * `verify`: a token in the query ends up in logs (RFC 6750 §5.3) and OAuth 2.1 drops it.
   */
  bearerMethods?: 'header'[]
  /** Called with an unexpected failure (the authorization server unreachable, its answer unreadable). */
  onError?: (error: unknown, request: Request) => void
}

/** Same process: the Worker or server that holds the authorization server too. */
export interface SameProcessOptions extends CommonOptions {
  provider: SameProcessProvider
}

/** Remote: ask the authorization server's RFC 7662 introspection endpoint. */
export interface RemoteOptions extends CommonOptions {
  introspection: {
    /** The introspection endpoint, e.g. `https://as.example/o/introspect/`. */
    endpoint: string
    /** A client registered with `introspection: true`; it authenticates with client_secret_basic. */
    clientId: string
    clientSecret: string
  }
  /** RFC 9728 §2 `authorization_servers`: the issuers whose tokens this resource accepts. */
  authorizationServers: string[]
  /** Outbound fetch; `globalThis.fetch` by default. */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>
  /** The time in epoch milliseconds; `Date.now` by default. */
  now?: () => number
  /** How many verified tokens are remembered at most; the oldest go first. Default 10,000. */
  cacheSize?: number
}

export type ResourceServerOptions = SameProcessOptions | RemoteOptions

/** What an API or MCP server needs to accept Grantline's tokens. */
export interface ResourceServer {
  /** The canonical resource indicator. */
  readonly resource: string
  /** RFC 9728 §3.1: where this resource's metadata is served. */
  readonly metadataUrl: string
  /** Whether a request is for the metadata document, for host routers. */
  owns(request: Request): boolean
  /** RFC 9728 §3.2: the metadata document (GET, HEAD and the CORS preflight). */
  metadata(request: Request): Response
  /**
   * RFC 6750 §2.1 and §3: the access behind the request's `Authorization: Bearer` token (or
   * `Authorization: DPoP` with a `DPoP` proof for a bound token, RFC 9449 §7.1), or a
   * ready 400/401/403 (503 when the authorization server cannot be asked) Response whose
   * `WWW-Authenticate` names the metadata URL (RFC 9728 §5.1).
   */
  verify(request: Request, options?: { scopes?: string[] }): Promise<VerifiedAccess | Response>
}
