import type { AccountStore } from '../contracts/account-store.js'
import type { AccountPages, Accounts, VerifyPasswordContext } from '../contracts/accounts.js'
import { OAuthError } from '../primitives/errors.js'
import { createHashSlots } from '../primitives/hash-slots.js'
import { createAuthenticate } from './authenticate.js'
import { scopedClaims } from './claims.js'
import { type LocalAccountsOptions, resolveLocalAccountsOptions } from './options.js'
import { createAccountPages } from './pages.js'
import { createSessions } from './sessions.js'
import { type LocalUsers, localUsers } from './users.js'

/** `Accounts` for the standalone server, with its login and logout pages and user administration. */
export interface LocalAccounts extends Accounts {
  verifyPassword(username: string, password: string, context?: VerifyPasswordContext): Promise<{ sub: string } | null>
  username(sub: string): Promise<string | undefined>
  pages: AccountPages
  users: LocalUsers
  /**
   * Removes at most `limit` failed-login records older than the lockout window (no lockout counts
   * them any more); answers how many. `grantline tokens clear` repeats it while it gets `limit`.
   */
  cleanupFailures(limit: number): Promise<number>
}

/**
 * Users and server-side sessions in an AccountStore, as Django's auth serves DOT: a login page at
 * `loginPath`, passwords in Django's PBKDF2 format, failed-login lockout per username and per
 * address, a bound on derivations in flight, signed double-submit CSRF on every form. Bad options
 * throw a coded ConfigError here, at start-up.
 */
export function localAccounts(store: AccountStore, options: LocalAccountsOptions): LocalAccounts {
  const resolved = resolveLocalAccountsOptions(options)
  const sessions = createSessions(store, resolved)
  const hashSlots = createHashSlots(resolved.hashConcurrency)
  const authenticate = createAuthenticate(store, resolved, hashSlots)

  return {
    current: (request) => sessions.current(request),
    /** prompt=select_account (OIDC Core §3.1.2.1) reaches the login page, which then offers the signed-in user. */
    async loginResponse(request, context) {
      const choose = context.prompt === 'select_account' ? '&prompt=select_account' : ''
      return new Response(null, {
        // After a POSTed form the browser must GET the login page (RFC 9700 §4.12).
        status: request.method === 'POST' ? 303 : 302,
        headers: {
          location: `${resolved.loginPath}?next=${encodeURIComponent(context.returnTo)}${choose}`,
          'cache-control': 'no-store',
        },
      })
    },
    /** Ends the session at once: the caller (RP-initiated logout) has validated `returnTo` and asked the user. */
    async logout(request, context) {
      const response = new Response(null, { status: 303, headers: { location: context.returnTo, 'cache-control': 'no-store' } })
      response.headers.append('set-cookie', await sessions.end(request))
      return response
    },
    /**
     * The password grant (RFC 6749 §4.3) under the login form's lockout, per username and, when the
     * grant passes one, per address. No free derivation slot: 429 with Retry-After (RFC 6585 §4).
     */
    async verifyPassword(username, password, context) {
      const result = await authenticate(username, password, context?.clientAddress)
      if (result.status === 'busy') throw busy(result.retryAfter)
      return result.status === 'ok' ? { sub: result.user.sub } : null
    },
    async claims(sub, context) {
      return scopedClaims(sub, await store.getUser(sub), context.scopes)
    },
    async username(sub) {
      return (await store.getUser(sub))?.username
    },
    pages: createAccountPages(resolved, sessions, authenticate, async (sub) => (await store.getUser(sub))?.username),
    users: localUsers(store, { iterations: resolved.iterations, now: resolved.now }),
    hashSlots,
    cleanupFailures: (limit) => store.cleanupFailures(resolved.seconds() - resolved.lockoutSeconds, limit),
  }
}

function busy(retryAfter: number): OAuthError {
  return new OAuthError('temporarily_unavailable', 'too many passwords are being checked; retry later', {
    status: 429,
    headers: { 'retry-after': String(retryAfter) },
  })
}
