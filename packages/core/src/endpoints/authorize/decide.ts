import type { ProviderContext, RequestContext } from '../../contracts/context.js'
import type { Params } from '../../contracts/params.js'
import { emit } from '../../events/emit.js'
import { verifyFor } from '../../html/csrf.js'
import { required } from '../../http/form.js'
import { OAuthError } from '../../primitives/errors.js'
import { consentServices, recordConsent } from '../../tokens/consents.js'
import { RedirectableError, validateAuthorizationRequest } from './authorization-request.js'
import { grantOf } from './record-consent.js'
import { redirectError, respond } from './respond.js'

const refused = (description: string) => new OAuthError('invalid_request', description)

/**
 * A consent decision (docs/architecture.md "Consent and interactions"): the CSRF value must match the session, the stored
 * interaction is consumed once, and the request is validated again against the client's current
 * registration before anything is issued. Tampered or replayed forms never redirect.
 */
export async function decide(provider: ProviderContext, request: Request, call: RequestContext, form: Params): Promise<Response> {
  const { config } = provider
  const { storage } = config
  const user = await config.accounts.current(request)
  if (!user) throw refused('your session has ended; start again from the application')
  const id = required(form, 'interaction')
  if (!(await verifyFor(config.secrets, 'consent', form.get('csrf') ?? '', id, user.sessionId))) {
    throw refused('the consent form is invalid or belongs to another session')
  }
  const now = config.seconds()
  const consumed = await storage.consume('interaction', id, now)
  if (consumed.status !== 'ok') throw refused('this request was already answered or has expired')
  const interaction = consumed.record
  if (interaction.session_id !== user.sessionId || interaction.sub !== user.sub)
    throw refused('the consent form belongs to another session')
  try {
    const authz = await validateAuthorizationRequest(provider, call, new Map(Object.entries(interaction.params)))
    if (!form.has('allow')) {
      emit(provider, call, { type: 'consent.denied', client_id: authz.client.client_id, sub: user.sub, scopes: authz.scopes })
      return redirectError(provider, request, authz.target, new OAuthError('access_denied', 'the user denied the request'))
    }
    const existing = await storage.findConsent(user.sub, authz.client.client_id)
    const consent = await recordConsent(consentServices(provider, call), grantOf(user.sub, authz), existing)
    return await respond(provider, request, call, authz, user, consent)
  } catch (error) {
    if (error instanceof RedirectableError) return redirectError(provider, request, error.target, error.error)
    throw error
  }
}
