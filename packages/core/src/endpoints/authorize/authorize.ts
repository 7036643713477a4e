import type { ProviderContext } from '../../context.js'
import { randomId } from '../../crypto.js'
import { OAuthError } from '../../errors.js'
import { type Params, queryParams, readForm } from '../../http/form.js'
import { type ConsentContext, consentPage } from '../../pages/consent-page.js'
import { type AuthorizationRequest, RedirectableError, validateAuthorizationRequest } from './authorization-request.js'
import { consentCsrf } from './consent-csrf.js'
import { decide } from './decide.js'
import { redirectError, respond } from './respond.js'

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1, §4.2.1), GET and POST. A POST carrying
 * `interaction` is a consent decision. Errors redirect only once the client and redirect_uri are
 * validated; before that they are shown on a local page.
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

async function handleRequest(provider: ProviderContext, request: Request, authz: AuthorizationRequest): Promise<Response> {
  const { config } = provider
  const user = await config.accounts.current(request)
  if (!user) return config.accounts.loginResponse(request, { returnTo: returnTo(provider, authz.params) })
  const consent = await config.storage.findConsent(user.sub, authz.client.client_id)
  const covered = consent !== null && authz.scopes.every((scope) => consent.scopes.includes(scope))
  // A request may force the page (DOT's approval_prompt=force) but never relax the server's 'force'.
  const forced = config.approvalPrompt === 'force' || authz.params.get('approval_prompt') === 'force'
  if (authz.client.skip_authorization || (covered && !forced)) {
    return respond(provider, request, authz, user, covered ? consent : null)
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
    form: { action: `${config.basePath}/authorize/`, fields: { interaction: id, csrf: await consentCsrf(config.secrets, id, user.sessionId) } },
    redirectUri: authz.target.redirectUri,
  }
  return config.renderConsent ? config.renderConsent(context) : consentPage(context)
}

/** The authorization request as a local GET path, to come back to after signing in. */
function returnTo(provider: ProviderContext, params: Params): string {
  return `${provider.config.basePath}/authorize/?${new URLSearchParams([...params])}`
}
