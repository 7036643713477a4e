import type { AccountStore } from '../contracts/account-store.js'
import type { AccountSession } from '../contracts/accounts.js'
import { base64url, randomBytes, sha256Hex } from '../primitives/crypto.js'
import { cookie, isSecure, readCookie, SESSION_COOKIE } from './cookies.js'
import type { ResolvedLocalAccountsOptions } from './options.js'

export interface Sessions {
  /** The session named by the request's `gl_session` cookie, if it is known and unexpired. */
  current(request: Request): Promise<AccountSession | null>
  /** Starts a session for `sub`, ending the request's old one; answers its `Set-Cookie`. */
  start(request: Request, sub: string): Promise<string>
  /** Ends the request's session, if any; answers the `Set-Cookie` that expires the cookie. */
  end(request: Request): Promise<string>
}

/**
 * Server-side sessions: the cookie holds base64url(32 random bytes), the store only its SHA-256
 * hex, so a leaked store holds no usable session. A login always makes a new id (no fixation).
 */
export function createSessions(store: AccountStore, options: ResolvedLocalAccountsOptions): Sessions {
  const hashOf = (request: Request) => {
    const id = readCookie(request, SESSION_COOKIE)
    return id === undefined ? undefined : sha256Hex(id)
  }
  return {
    async current(request) {
      const hash = hashOf(request)
      const session = hash === undefined ? null : await store.getSession(hash, options.seconds())
      if (!session) return null
      // RFC 8176 §2: `pwd`, the only method this login offers. The hash names the session for
      // interactions and consent CSRF values; it is not the cookie and cannot be replayed as one.
      return { sub: session.sub, sessionId: session.hash, authTime: session.auth_time, amr: ['pwd'] }
    },
    async start(request, sub) {
      const old = hashOf(request)
      if (old !== undefined) await store.deleteSession(old)
      const id = base64url(randomBytes(32))
      const now = options.seconds()
      await store.createSession({ hash: sha256Hex(id), sub, auth_time: now, expires_at: now + options.sessionTtl })
      return cookie(SESSION_COOKIE, id, { secure: isSecure(request, options.secureCookies), maxAge: options.sessionTtl })
    },
    async end(request) {
      const hash = hashOf(request)
      if (hash !== undefined) await store.deleteSession(hash)
      return cookie(SESSION_COOKIE, '', { secure: isSecure(request, options.secureCookies), maxAge: 0 })
    },
  }
}
