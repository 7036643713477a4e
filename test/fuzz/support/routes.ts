import { BASE } from './fixture.js'

export type RouteKind =
  | { kind: 'authorize' }
  | { kind: 'oauth'; endpoint: 'token' | 'revoke' | 'introspect' }
  | { kind: 'userinfo' }
  | { kind: 'logout' }
  | { kind: 'metadata' }
  | { kind: 'manage' }
  | { kind: 'account' }
  | { kind: 'unknown' }

const NAMED = new RegExp(`^${BASE}/([^/]+(?:/jwks\\.json)?)/?$`)
const MANAGE = new RegExp(`^${BASE}/(applications|authorized_tokens)(/|$)`)
const ENDPOINTS: Record<string, RouteKind> = {
  authorize: { kind: 'authorize' },
  token: { kind: 'oauth', endpoint: 'token' },
  revoke_token: { kind: 'oauth', endpoint: 'revoke' },
  introspect: { kind: 'oauth', endpoint: 'introspect' },
  userinfo: { kind: 'userinfo' },
  logout: { kind: 'logout' },
  '.well-known/jwks.json': { kind: 'metadata' },
}

/** Which endpoint a path reaches, written independently of the router (docs/architecture.md "Paths"). */
export function classify(pathname: string): RouteKind {
  if (pathname === `${BASE}/.well-known/openid-configuration` || pathname === `/.well-known/oauth-authorization-server${BASE}`) {
    return { kind: 'metadata' }
  }
  if (/^\/accounts\/log(in|out)\/?$/.test(pathname)) return { kind: 'account' }
  if (MANAGE.test(pathname)) return { kind: 'manage' }
  const named = NAMED.exec(pathname)?.[1]
  return (named !== undefined && Object.hasOwn(ENDPOINTS, named) ? ENDPOINTS[named] : undefined) ?? { kind: 'unknown' }
}

/** A local path: one leading `/`, not `//` or `/\`, which browsers read as another host. */
export function isLocalPath(location: string): boolean {
  // Browsers drop tabs and newlines, so `/\t/evil.example` would become `//evil.example`.
  return /^\/(?![/\\])/.test(location) && ![...location].some((ch) => ch <= ' ')
}

/**
 * Whether `location` goes to `registered` (RFC 6749 §3.1.2, RFC 9700 §4.1.3): the registered URI
 * exactly, followed by the response's query or fragment; on a loopback IP any port (RFC 8252 §7.3).
 */
export function goesTo(location: string, registered: string): boolean {
  const rest = (uri: string) => (location.startsWith(uri) ? location.slice(uri.length) : undefined)
  const follows = (tail: string | undefined) => tail !== undefined && (tail === '' || /^[?#&]/.test(tail))
  if (follows(rest(registered))) return true
  const loopback = /^http:\/\/(127\.0\.0\.1|\[::1\])(\/.*)$/.exec(registered)
  if (!loopback) return false
  const port = new RegExp(`^http://${loopback[1]?.replace(/[.[\]]/g, '\\$&')}:(\\d{1,5})`).exec(location)
  return port !== null && follows(rest(`http://${loopback[1]}:${port[1]}${loopback[2]}`))
}
