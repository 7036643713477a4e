import type { ProviderContext } from '../../context.js'
import { randomId } from '../../crypto.js'
import { OAuthError } from '../../errors.js'
import { queryParams, readForm } from '../../http/form.js'
import { type ConsentContext, consentPage } from '../../pages/consent-page.js'
import { type AuthorizationRequest, RedirectableError, validateAuthorizationRequest } from './authorization-request.js'
import { consentCsrf } from './consent-csrf.js'
import { decide } from './decide.js'
import { loginResponse, needsLogin } from './login.js'
import { redirectError, respond } from './respond.js'

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1, §4.2.1; OIDC Core §3.1.2), GET and POST. A
 * POST carrying `interaction` is a consent decision. Errors go back to the client, in the
 * request's response mode, only once the client and redirect_uri are validated; before that they
 * are shown on a local page.
 */
export async function authorize(provider: ProviderContext, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') {
    throw new OAuthError('invalid_request', 'use GET or POST', { status: 405, headers: { allow: 'GET, POST' } })
  }
  const params = request.method === 'GET' ? queryParams(request) : await readForm(request)
  if (request.method === 'POST' && params.has('interaction')) return decide(provider, request, params)
  try {
    return await handleRequest(provider, request, await validateAuthorizationRequest(provider, params))
  } catch (error) {
    if (error instanceof RedirectableError) return redirectError(provider, request, error.target, error.error)
    throw error
  }
}

/**
 * Whether the user has to see the consent page: unless the client skips authorization or an
 * earlier consent covers the scopes. A request may force the page (prompt=consent, OIDC Core
 * §3.1.2.1; DOT's approval_prompt=force) but never relax the server's 'force'.
 */
function needsConsent(provider: ProviderContext, authz: AuthorizationRequest, covered: boolean): boolean {
  const { config } = provider
  if (authz.oidc.prompt.has('consent')) return true
  const forced = config.approvalPrompt === 'force' || authz.params.get('approval_prompt') === 'force'
  return !(authz.client.skip_authorization || (covered && !forced))
}

async function handleRequest(provider: ProviderContext, request: Request, authz: AuthorizationRequest): Promise<Response> {
  const { config } = provider
  const user = await config.accounts.current(request)
  if (!user || needsLogin(provider, authz, user)) return loginResponse(provider, request, authz, user)
  const consent = await config.storage.findConsent(user.sub, authz.client.client_id)
  const covered = consent !== null && authz.scopes.every((scope) => consent.scopes.includes(scope))
  if (!needsConsent(provider, authz, covered)) return respond(provider, request, authz, user, covered ? consent : null)
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
      fields: { interaction: id, csrf: await consentCsrf(config.secrets, id, user.sessionId) },
    },
    redirectUri: authz.target.redirectUri,
    ...(authz.oidc.uiLocales.length > 0 ? { uiLocales: authz.oidc.uiLocales } : {}),
  }
  return config.renderConsent ? config.renderConsent(context) : consentPage(context)
}
