import type { AccountSession, Accounts } from '@grantline/core'

export interface TestUser {
  sub: string
  username: string
  password: string
  claims?: Record<string, unknown>
}

/** What `testAccounts` returns: the Accounts to give the provider, and a way to sign in and out. */
export interface TestAccounts {
  accounts: Accounts
  /** Starts a session for `sub`; answers the Cookie header value that carries it. */
  signIn(sub: string): string
  /** Ends the session the Cookie header value from `signIn` carries. */
  signOut(cookie: string): void
}

/**
 * Accounts for tests: a session is a `gl_test_session` cookie naming a session made by `signIn`;
 * the login response is a 302 to `/login?next=...`, as a host app's would be.
 */
export function testAccounts(users: TestUser[], now: () => number = Date.now): TestAccounts {
  const sessions = new Map<string, AccountSession>()
  let counter = 0
  const accounts: Accounts = {
    async current(request) {
      const cookie = request.headers.get('cookie') ?? ''
      const id = /(?:^|;\s*)gl_test_session=([^;]+)/.exec(cookie)?.[1]
      return (id && sessions.get(id)) || null
    },
    async loginResponse(_request, context) {
      return new Response(null, { status: 302, headers: { location: `/login?next=${encodeURIComponent(context.returnTo)}` } })
    },
    async logout(_request, context) {
      return new Response(null, { status: 302, headers: { location: context.returnTo } })
    },
    async verifyPassword(username, password) {
      const user = users.find((u) => u.username === username && u.password === password)
      return user ? { sub: user.sub } : null
    },
    async claims(sub) {
      return users.find((u) => u.sub === sub)?.claims ?? {}
    },
    async username(sub) {
      return users.find((u) => u.sub === sub)?.username
    },
  }
  return {
    accounts,
    /** Starts a session for `sub`; answers the Cookie header value that carries it. */
    signIn(sub: string): string {
      const sessionId = `session-${++counter}`
      sessions.set(sessionId, { sub, sessionId, authTime: Math.floor(now() / 1000) })
      return `gl_test_session=${sessionId}`
    },
    signOut(cookie: string): void {
      sessions.delete(cookie.split('=')[1] ?? '')
    },
  }
}
