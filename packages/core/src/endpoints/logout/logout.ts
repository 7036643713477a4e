import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import { emit } from '../../events/emit.js'
import { signFor, verifyFor } from '../../html/csrf.js'
import { logoutConfirmPage, logoutErrorPage, signedOutPage } from '../../html/logout-pages.js'
import { queryParams, readForm } from '../../http/form.js'
import { redirect } from '../../http/responses.js'
import { OAuthError } from '../../primitives/errors.js'
import { type LogoutRequest, validateLogoutRequest } from './logout-request.js'

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), GET or POST (§2). A signed-in
 * user is asked first; the confirmation posts back with `csrf` and ends the session through
 * `accounts.logout`, which then redirects to the validated post_logout_redirect_uri with `state`
 * (§3), or to this endpoint again, which shows the signed-out page. A user who is not signed in
 * is sent on at once. With `oidc.revokeOnLogout`, the user's consents to the client are revoked
 * too, so the client's tokens stop working.
 */
export async function logout(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  try {
    return await endSession(provider, request, call)
  } catch (error) {
    if (error instanceof OAuthError) return logoutErrorPage(error)
    throw error
  }
}

async function endSession(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  const { config } = provider
  if (request.method !== 'GET' && request.method !== 'POST') {
    throw new OAuthError('invalid_request', 'the logout endpoint accepts GET and POST', { status: 405, headers: { allow: 'GET, POST' } })
  }
  const params = request.method === 'GET' ? queryParams(request) : await readForm(request)
  const logoutRequest = await validateLogoutRequest(provider, params)
  const user = await config.accounts.current(request)
  if (!user) return finish(provider, logoutRequest)
  const csrf = params.get('csrf')
  if (request.method !== 'POST' || csrf === undefined) {
    return logoutConfirmPage(provider, logoutRequest, await signFor(config.secrets, 'oidc-logout', user.sessionId))
  }
  if (!(await verifyFor(config.secrets, 'oidc-logout', csrf, user.sessionId))) {
    throw new OAuthError('access_denied', 'the sign-out form is invalid or belongs to another session', { status: 403 })
  }
  // Only once the signed-in user confirmed: an ID Token alone (they leak into logs and
  // browsers) must not be enough to end someone's grants.
  if (config.oidc?.revokeOnLogout && logoutRequest.clientId !== undefined) {
    await revokeConsents(provider, call, user.sub, logoutRequest.clientId)
  }
  return config.accounts.logout(request, { returnTo: logoutRequest.redirectTo ?? signedOutPath(provider) })
}

/** No session to end: straight to the registered redirect, or the signed-out page. */
function finish(provider: ProviderContext, logoutRequest: LogoutRequest): Response {
  return logoutRequest.redirectTo ? redirect(logoutRequest.redirectTo) : signedOutPage(provider)
}

/** This endpoint without parameters: for a user with no session it is the signed-out page. */
const signedOutPath = (provider: ProviderContext) => `${provider.config.basePath}/logout/`

/**
 * Revokes every unrevoked consent `sub` gave the client; each revocation ends the families it
 * covers and so their tokens (docs/architecture.md "Storage"). Bounded, in case a Storage keeps answering.
 */
async function revokeConsents(provider: ProviderContext, call: RequestContext, sub: string, clientId: string): Promise<void> {
  const { storage } = provider.config
  for (let i = 0; i < 100; i++) {
    const consent = await storage.findConsent(sub, clientId)
    if (!consent || !(await storage.revokeConsent(consent.id, provider.config.seconds()))) return
    emit(provider, call, { type: 'token.revoked', by: 'logout', client_id: clientId, sub, consent_id: consent.id })
  }
}
