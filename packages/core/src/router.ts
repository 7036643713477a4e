import type { Endpoint, ProviderContext } from './contracts/context.js'
import { authorize } from './endpoints/authorize/authorize.js'
import { deviceAuthorization } from './endpoints/device-authorization.js'
import { deviceVerification } from './endpoints/device-verification.js'
import { discovery, jwks } from './endpoints/discovery.js'
import { introspect } from './endpoints/introspect.js'
import { logout } from './endpoints/logout/logout.js'
import { pushedAuthorizationRequest } from './endpoints/par.js'
import { clientConfiguration } from './endpoints/register/client-configuration.js'
import { register } from './endpoints/register/register.js'
import { revoke } from './endpoints/revoke.js'
import { token } from './endpoints/token.js'
import { userinfo } from './endpoints/userinfo.js'
import { withClientCors } from './http/cors.js'
import { isManagePath, manage } from './manage/routes.js'
import { DEVICE_CODE_GRANT } from './protocol/user-code.js'

/** An endpoint and how its errors render: a page for a person's browser, JSON for a client. */
export interface Route {
  endpoint: Endpoint
  errors: 'json' | 'page'
}

const page = (endpoint: Endpoint): Route => ({ endpoint, errors: 'page' })
const api = (endpoint: Endpoint): Route => ({ endpoint, errors: 'json' })

/**
 * Maps a path to its endpoint (docs/architecture.md "Paths"): endpoints under basePath with or without the
 * trailing slash, and the metadata documents at their exact well-known paths (no redirects).
 */
export function createRouter(provider: ProviderContext): (pathname: string) => Route | undefined {
  const { config } = provider
  const issuerPath = new URL(config.issuer).pathname.replace(/\/$/, '')
  const exact = new Map<string, Route>([[`/.well-known/oauth-authorization-server${issuerPath}`, api(discovery)]])
  const named = new Map<string, Route>([
    ['authorize', page(authorize)],
    // RFC 9700 §2.6: CORS only where a client calls directly, and only for its own origins.
    ['token', api(withClientCors(token))],
    ['revoke_token', api(withClientCors(revoke))],
    ['introspect', api(withClientCors(introspect))],
    // RFC 9126 §2: a client calls it directly, like the token endpoint.
    ['par', api(withClientCors(pushedAuthorizationRequest))],
  ])
  if (config.oidc) {
    exact.set(`${issuerPath}/.well-known/openid-configuration`, api(discovery))
    named.set('.well-known/jwks.json', api(jwks))
    named.set('userinfo', api(userinfo))
    named.set('logout', page(logout))
  }
  // RFC 8628 §3.1, §3.3: on only when the device grant is.
  if (provider.enabledGrants.has(DEVICE_CODE_GRANT)) {
    named.set('device-authorization', api(deviceAuthorization))
    named.set('device', page(deviceVerification))
  }
  // RFC 7591 §3 and RFC 7592 §2: on only when `registration` is configured.
  if (config.registration) named.set('register', api(register))
  const configuration = api(clientConfiguration)
  const prefix = `${config.basePath}/`
  const managePages = page(manage)

  // Each named endpoint under basePath, with and without its trailing slash: one lookup per request.
  for (const [name, route] of named) {
    exact.set(`${prefix}${name}`, route)
    exact.set(`${prefix}${name}/`, route)
  }

  return (pathname) => {
    const found = exact.get(pathname)
    if (found || !pathname.startsWith(prefix)) return found
    const rest = pathname.slice(prefix.length)
    if (config.managementPages && isManagePath(rest)) return managePages
    if (config.registration && /^register\/[^/]+\/?$/.test(rest)) return configuration
    return undefined
  }
}
