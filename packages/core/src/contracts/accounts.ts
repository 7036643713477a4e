import type { AuditEventInput } from './events.js'

/** The signed-in user as the host app reports it. `authTime` is epoch seconds. */
export interface AccountSession {
  sub: string
  sessionId: string
  authTime: number
  acr?: string
  amr?: string[]
}

/** OIDC Core §5.5 `claims` request parameter, parsed. */
export type ClaimsRequest = Record<
  'userinfo' | 'id_token',
  Record<string, { essential?: boolean; value?: unknown; values?: unknown[] } | null> | undefined
>

export interface LoginContext {
  /** Where to send the user once signed in: the authorization request, as a local path. */
  returnTo: string
  prompt?: 'login' | 'select_account'
  maxAge?: number
  loginHint?: string
  uiLocales?: string[]
  acrValues?: string[]
}

/** What `provider.handle` lends the host's pages for one request. */
export interface AccountPagesContext {
  /** Reports an audit event (e.g. `login.failed`) to the provider's `onEvent`, stamped with `at`; never throws. */
  emit(event: AuditEventInput): void
  /**
   * The caller's address, as the provider learned it (the runtime's, or `clientAddress` in its
   * configuration); undefined when unknown. Failed logins are counted per address too.
   */
  clientAddress?: string
}

/** What the password grant lends `verifyPassword` for one request. */
export interface VerifyPasswordContext {
  /**
   * The caller's address when it is the user's own: set for a public client (the user's device),
   * left out for a confidential one, whose address is its server, shared by all its users.
   */
  clientAddress?: string
}

/**
 * Pages the host serves through Grantline, such as `localAccounts`' login and logout:
 * `provider.handle` passes a request to `handle` when `owns` claims its path (before its 404).
 */
export interface AccountPages {
  owns(request: Request): boolean
  handle(request: Request, context?: AccountPagesContext): Promise<Response>
}

/**
 * The host app owns the user, as Django's auth does for DOT. Grantline asks through this
 * interface; `localAccounts` implements it for the standalone server.
 */
export interface Accounts {
  current(request: Request): Promise<AccountSession | null>
  loginResponse(request: Request, context: LoginContext): Promise<Response>
  logout(request: Request, context: { returnTo: string }): Promise<Response>
  /**
   * Resource owner password credentials (RFC 6749 §4.3); absent means the grant cannot work. May
   * throw an OAuthError, e.g. 429 `temporarily_unavailable` with `Retry-After` (RFC 6585 §4) when
   * too many passwords are being checked at once.
   */
  verifyPassword?(username: string, password: string, context?: VerifyPasswordContext): Promise<{ sub: string } | null>
  claims(
    sub: string,
    context: { scopes: string[]; claims?: ClaimsRequest; clientId: string; use: 'id_token' | 'userinfo' },
  ): Promise<Record<string, unknown>>
  username?(sub: string): Promise<string | undefined>
  /** A host-provided set of pages Grantline serves (e.g. the login page); see AccountPages. */
  pages?: AccountPages
  /**
   * The bound on password derivations (PBKDF2) in flight that the accounts' own checks take:
   * client authentication takes its slots too when it checks a client secret kept in Django's
   * hash, so that logins and clients together stay under one bound. Absent: the provider keeps
   * its own, of two.
   */
  hashSlots?: HashSlots
}

/**
 * Bounds the password derivations (PBKDF2, hundreds of milliseconds of CPU each) in flight at
 * once. A caller past the bound is refused at once, never queued: a queue of derivations would
 * hold every other request that needs the same threads (on Node, Web Crypto and file I/O share
 * libuv's pool of 4), so a burst of logins would stall the whole server.
 */
export interface HashSlots {
  /** A slot, as the function that frees it (idempotent); undefined when all are taken. */
  take(): (() => void) | undefined
}
