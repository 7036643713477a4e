/** A protected resource that tokens may be issued for (RFC 8707), as configured. */
export interface ResourceEntry {
  /** The resource indicator: an absolute https URI (http on a loopback host), no fragment. */
  uri: string
  /** Shown on the consent page. */
  name?: string
  /** The scopes this resource understands: an access token for it carries no others. */
  scopes?: string[]
  /** The clients that may ask for it; every client when unset. */
  clients?: string[]
  /**
   * Its access tokens: opaque (the default) or RFC 9068 JWTs signed with the OIDC key, and their
   * lifetime in seconds (a JWT's defaults to 300, an opaque one's to `ttl.accessToken`).
   */
  accessToken?: { format: 'opaque' | 'jwt'; ttl?: number }
}

/** `'any'` accepts every well-formed resource indicator; a list accepts only its entries. */
export type ResourcesSetting = ResourceEntry[] | 'any'
