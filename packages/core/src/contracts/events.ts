/**
 * An audit event, passed to `onEvent`: the lifecycle of grants and what RFC 9700 §4.14.2 and
 * RFC 6749 §4.1.2 detect (refresh-token reuse, code replay). Every event carries `type` and `at`
 * (epoch seconds) and never a secret: no client secret, password, code, access or refresh token.
 * Grants are named by their family id, a random identifier that is not a credential.
 */
export type AuditEvent =
  /** A grant's first tokens: at the token endpoint, or from the authorization endpoint (`implicit`). */
  | { type: 'token.issued'; at: number; grant_type: string; client_id: string; sub: string | null; scopes: string[]; family_id: string }
  /** RFC 6749 §6: a refresh token was exchanged (and, by default, rotated). */
  | { type: 'token.refreshed'; at: number; client_id: string; sub: string | null; scopes: string[]; family_id: string }
  /** RFC 7009: the client revoked one of its tokens; a refresh token ends its whole grant. */
  | {
      type: 'token.revoked'
      at: number
      by: 'revocation_endpoint'
      client_id: string
      sub: string | null
      family_id: string
      token_type: 'access_token' | 'refresh_token'
    }
  /** A user revoked a consent (authorized-tokens page) or logged out with `oidc.revokeOnLogout`: its grants end. */
  | { type: 'token.revoked'; at: number; by: 'consent' | 'logout'; client_id: string; sub: string; consent_id: string }
  /** RFC 9700 §4.14.2: a used refresh token came back; its grant is revoked. */
  | { type: 'refresh_token.reused'; at: number; client_id: string; sub: string | null; family_id: string }
  /** RFC 6749 §4.1.2, RFC 9700 §4.5: a used code came back, or another client presented it; its grant is revoked. */
  | { type: 'code.replayed'; at: number; client_id: string; family_id: string; reason: 'reused' | 'other_client' }
  | { type: 'consent.granted'; at: number; client_id: string; sub: string; scopes: string[]; consent_id: string }
  | { type: 'consent.denied'; at: number; client_id: string; sub: string; scopes: string[] }
  /** A failed sign-in: the login form of `localAccounts`, or the password grant (then `client_id` is set). */
  | {
      type: 'login.failed'
      at: number
      via: 'login_form' | 'password_grant'
      username: string
      reason?: 'invalid_credentials' | 'locked_out'
      client_id?: string
      address?: string
    }
  /** RFC 7591, RFC 7592: a client registered itself at the registration endpoint, or changed or deleted that registration. */
  | { type: 'client.registered' | 'client.updated' | 'client.deleted'; at: number; client_id: string; address?: string }
  /** RFC 6749 §2.3: client authentication failed at the token, revocation or introspection endpoint, or was refused by the rate limit. */
  | {
      type: 'client_authentication.failed'
      at: number
      reason: 'invalid_credentials' | 'rate_limited'
      client_id?: string
      address?: string
    }

type Unstamped<E> = E extends unknown ? Omit<E, 'at'> : never

/** An event as code reports it; `emit` stamps `at`. */
export type AuditEventInput = Unstamped<AuditEvent>
