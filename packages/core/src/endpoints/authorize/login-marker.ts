import type { ProviderContext } from '../../contracts/context.js'
import type { Params } from '../../contracts/params.js'
import { signFor, verifyFor } from '../../html/csrf.js'

/**
 * The parameter Grantline adds to `returnTo` when it sends a user to sign in for prompt=login or
 * max_age (OIDC Core §3.1.2.1): `<epoch second>.<mac>`. A session that authenticated at or after
 * that second satisfies the request, so coming back from the login page does not loop (the request
 * still says prompt=login). The URL passes through the user agent, so the second is signed with
 * the server's secret together with every other authorization parameter: a marker cannot be
 * forged, moved back in time, or copied onto another request.
 */
export const LOGIN_MARKER = 'gl_login_at'

const FORMAT = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/

/** What the MAC covers besides its purpose: the second, and the request's other parameters in name order. */
function signed(at: number, params: Params): [string, string] {
  const others = [...params].filter(([name]) => name !== LOGIN_MARKER).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return [String(at), JSON.stringify(others)]
}

/** A marker for `params` made at `at`: `signFor(secrets, 'login-marker', at, params)`. */
export async function loginMarker(secrets: readonly string[], at: number, params: Params): Promise<string> {
  return `${at}.${await signFor(secrets, 'login-marker', ...signed(at, params))}`
}

/**
 * The second of the request's login marker when it is well-formed, signed for exactly these
 * parameters by any configured secret (secrets rotate by prepending), not in the future and
 * within the interaction lifetime; anything else is ignored, as if there were no marker.
 */
export async function readLoginMarker(provider: ProviderContext, params: Params): Promise<number | undefined> {
  const match = FORMAT.exec(params.get(LOGIN_MARKER) ?? '')
  if (!match) return undefined
  const at = Number(match[1])
  const { config } = provider
  const now = config.seconds()
  if (at > now || now - at > config.ttl.interaction) return undefined
  return (await verifyFor(config.secrets, 'login-marker', match[2] as string, ...signed(at, params))) ? at : undefined
}
