import type { ConsentContext } from '../../contracts/consent.js'
import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import type { Consent } from '../../contracts/storage.js'
import { consentPage } from '../../html/consent-page.js'
import { signFor } from '../../html/csrf.js'
import { queryParams, readForm } from '../../http/form.js'
import { loadPushedRequest, pushRequired } from '../../par/pushed-request.js'
import { randomId } from '../../primitives/crypto.js'
import { OAuthError } from '../../primitives/errors.js'
import { looksLikeClientIdUrl } from '../../protocol/client-id-url.js'
import { resourceLabel } from '../../protocol/resources.js'
import { consentCovering, consentServices, covers } from '../../tokens/consents.js'
import { type AuthorizationRequest, RedirectableError, validateAuthorizationRequest } from './authorization-request.js'
import { identityAssured } from './client-identity.js'
import { decide } from './decide.js'
import { otherUserHinted } from './hinted-user.js'
import { loginResponse, needsAccountSelection, needsLogin } from './login.js'
import { grantOf } from './record-consent.js'
import { redirectError, respond } from './respond.js'

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1, §4.2.1; OIDC Core §3.1.2), GET and POST. A
 * POST carrying `interaction` is a consent decision. A request may name a pushed request by
 * client_id and request_uri (RFC 9126 §4); a server or client that requires pushing refuses any
 * other (§5, §6). Errors go back to the client, in the request's response mode, only once the
 * client and redirect_uri are validated; before that they are shown on a local page.
 */
export async function authorize(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') {
    throw new OAuthError('invalid_request', 'use GET or POST', { status: 405, headers: { allow: 'GET, POST' } })
  }
  const params = request.method === 'GET' ? queryParams(request) : await readForm(request)
  if (request.method === 'POST' && params.has('interaction')) return decide(provider, request, call, params)
  // RFC 9126 §4: a pushed request is read from storage, consumed; its query is then ignored.
  const pushed = await loadPushedRequest(provider, params)
  try {
    const authz = await validateAuthorizationRequest(provider, call, pushed ?? params)
    if (pushed) return await handleRequest(provider, request, call, { ...authz, pushed: true })
    if (pushRequired(provider, authz.client)) {
      // RFC 9126 §5, §6: the client and redirect_uri are valid, so the client hears of it.
      throw new RedirectableError(
        new OAuthError('invalid_request', 'this client must push its authorization requests (RFC 9126)'),
        authz.target,
      )
    }
    return await handleRequest(provider, request, call, authz)
  } catch (error) {
    if (error instanceof RedirectableError) return redirectError(provider, request, error.target, error.error)
    throw error
  }
}

/**
 * Whether the request is approved without showing the consent page: the operator let the client
 * skip it (`skip_authorization`, DOT's), or an earlier consent covers the scopes (DOT's
 * approval_prompt=auto) and the client's identity is assured, since a request that may come from
 * an impersonator is never processed without the user (RFC 6749 §10.2, RFC 8252 §8.6). A request
 * may force the page (prompt=consent, OIDC Core §3.1.2.1; DOT's approval_prompt=force) but never
 * relax the server's 'force'.
 */
function approvedWithoutPage(provider: ProviderContext, authz: AuthorizationRequest, consent: Consent | null): boolean {
  if (authz.oidc.prompt.has('consent')) return false
  if (authz.client.skip_authorization) return true
  const forced = provider.config.approvalPrompt === 'force' || authz.params.get('approval_prompt') === 'force'
  // A consent records scopes, not resources (RFC 8707): a request naming any asks the user again.
  const reusable = covers(consent, authz.scopes) && authz.resources.length === 0
  return !forced && reusable && identityAssured(authz.client, authz.target.redirectUri)
}

/** The host a redirect URI names, or its scheme when it has none (an RFC 8252 §7.1 private-use URI). */
function redirectHost(uri: string): string {
  const url = new URL(uri)
  return url.host || url.protocol
}

/** What the page tells the user of a self-asserted client: where it redirects, and for a metadata document client where the document lives. */
function unverified(authz: AuthorizationRequest): { redirectHost: string; documentHost?: string } {
  const redirect = { redirectHost: redirectHost(authz.target.redirectUri) }
  return looksLikeClientIdUrl(authz.client.client_id) ? { ...redirect, documentHost: new URL(authz.client.client_id).host } : redirect
}

async function handleRequest(
  provider: ProviderContext,
  request: Request,
  call: RequestContext,
  authz: AuthorizationRequest,
): Promise<Response> {
  const { config } = provider
  const user = await config.accounts.current(request)
  if (!user || needsLogin(provider, authz, user) || needsAccountSelection(authz) || (await otherUserHinted(provider, authz, user))) {
    return loginResponse(provider, request, authz, user)
  }
  const consent = await config.storage.findConsent(user.sub, authz.client.client_id)
  if (approvedWithoutPage(provider, authz, consent)) {
    // Skipping the page still records the grant as a consent, so the user sees and can revoke it.
    const granted = await consentCovering(consentServices(provider, call), grantOf(user.sub, authz), consent)
    return respond(provider, request, call, authz, user, granted)
  }
  if (authz.oidc.prompt.has('none')) {
    // OIDC Core §3.1.2.6: prompt=none never shows a page.
    throw new RedirectableError(new OAuthError('consent_required', 'the user has not approved this request'), authz.target)
  }
  const now = config.seconds()
  const id = randomId()
  await config.storage.createInteraction({
    id,
    session_id: user.sessionId,
    sub: user.sub,
    client_id: authz.client.client_id,
    params: Object.fromEntries(authz.params),
    created_at: now,
    expires_at: now + config.ttl.interaction,
    consumed_at: null,
  })
  const context: ConsentContext = {
    request,
    client: { client_id: authz.client.client_id, client_name: authz.client.client_name },
    scopes: authz.scopes.map((name) => ({ name, description: config.scopes[name] ?? name })),
    form: {
      action: `${config.basePath}/authorize/`,
      fields: { interaction: id, csrf: await signFor(config.secrets, 'consent', id, user.sessionId) },
    },
    redirectUri: authz.target.redirectUri,
    ...(authz.client.dynamic ? { unverified: unverified(authz) } : {}),
    ...(authz.resources.length > 0 ? { resources: authz.resources.map((uri) => resourceLabel(config.resources, uri)) } : {}),
    ...(authz.oidc.uiLocales.length > 0 ? { uiLocales: authz.oidc.uiLocales } : {}),
  }
  return config.renderConsent ? config.renderConsent(context) : consentPage(context)
}
