import type { AccountSession, LoginContext } from '../../contracts/accounts.js'
import type { ProviderContext } from '../../contracts/context.js'
import { pushedContinuation } from '../../par/pushed-request.js'
import { OAuthError } from '../../primitives/errors.js'
import { type AuthorizationRequest, RedirectableError } from './authorization-request.js'
import { LOGIN_MARKER, loginMarker } from './login-marker.js'

/**
 * Whether a signed-in user must sign in again before this request can be answered (OIDC Core
 * §3.1.2.1, §3.1.2.3): prompt=login or max_age=0, or a session older than max_age.
 * A session that authenticated since Grantline sent the user to sign in for this very request
 * (its signed LOGIN_MARKER) satisfies all of them, so the login page does not loop; a marker that
 * was forged or copied from another request was already dropped when the request was read.
 */
export function needsLogin(provider: ProviderContext, authz: AuthorizationRequest, user: AccountSession): boolean {
  const { prompt, maxAge, loginRequestedAt } = authz.oidc
  if (loginRequestedAt !== undefined && user.authTime >= loginRequestedAt) return false
  if (prompt.has('login') || maxAge === 0) return true
  return maxAge !== undefined && provider.config.seconds() - user.authTime > maxAge
}

/**
 * Whether the user must first choose an account (OIDC Core §3.1.2.1 prompt=select_account): asked
 * once per request; coming back with the request's signed LOGIN_MARKER, as whichever user, answers it.
 */
export function needsAccountSelection(authz: AuthorizationRequest): boolean {
  return authz.oidc.prompt.has('select_account') && authz.oidc.loginRequestedAt === undefined
}

/**
 * Hands the user to `accounts.loginResponse`, or, for prompt=none, answers login_required instead
 * (OIDC Core §3.1.2.6). A forced re-authentication (prompt=login, max_age) asks the host for
 * `prompt: 'login'`, otherwise prompt=select_account asks for `prompt: 'select_account'`; both
 * carry a signed LOGIN_MARKER in returnTo, so neither is asked again on return. A plain sign-in
 * keeps returnTo as is.
 */
export async function loginResponse(
  provider: ProviderContext,
  request: Request,
  authz: AuthorizationRequest,
  user: AccountSession | null,
): Promise<Response> {
  const { config } = provider
  const { prompt, maxAge, loginHint, uiLocales, acrValues } = authz.oidc
  if (prompt.has('none')) {
    throw new RedirectableError(
      new OAuthError('login_required', user ? 'the user must authenticate again' : 'the user is not signed in'),
      authz.target,
    )
  }
  const fresh = prompt.has('login') || maxAge !== undefined
  const selectAccount = prompt.has('select_account')
  const params = new URLSearchParams([...authz.params].filter(([name]) => name !== LOGIN_MARKER))
  if (fresh || selectAccount) params.set(LOGIN_MARKER, await loginMarker(config.secrets, config.seconds(), authz.params))
  const login = prompt.has('login') || (user !== null && needsLogin(provider, authz, user))
  const query = authz.pushed ? await pushedContinuation(provider, authz.client.client_id, new Map(params)) : params
  const context: LoginContext = {
    returnTo: `${config.basePath}/authorize/?${query}`,
    ...(login ? { prompt: 'login' as const } : selectAccount ? { prompt: 'select_account' as const } : {}),
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(loginHint === undefined ? {} : { loginHint }),
    ...(uiLocales.length > 0 ? { uiLocales } : {}),
    ...(acrValues.length > 0 ? { acrValues } : {}),
  }
  return config.accounts.loginResponse(request, context)
}
