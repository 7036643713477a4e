import type { AccountSession } from '../contracts/accounts.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { Params } from '../contracts/params.js'
import { emit } from '../events/emit.js'
import { signFor, verifyFor } from '../html/csrf.js'
import { deviceConfirmPage, deviceDonePage, deviceEntryPage } from '../html/device-page.js'
import { queryParams, readForm } from '../http/form.js'
import { OAuthError } from '../primitives/errors.js'
import { resourceLabel } from '../protocol/resources.js'
import { normaliseUserCode, userCodeHash } from '../protocol/user-code.js'
import { checkEntryRate } from '../rate-limit/device-entry.js'
import { consentServices, recordConsent } from '../tokens/consents.js'

const WRONG_CODE = 'That code is not valid or has expired. Check the code on your device and try again.'

/** Where the page posts: its own path, so that returnTo and the form stay under basePath. */
const action = (provider: ProviderContext) => `${provider.config.basePath}/device/`

/** The CSRF value of the entry form (session only) or of one code's decision (session and code). */
const csrfFor = (provider: ProviderContext, user: AccountSession, code = '') =>
  signFor(provider.config.secrets, 'device', user.sessionId, code)

/**
 * The verification page (RFC 8628 §3.3): the user signs in, enters the code (prefilled from
 * verification_uri_complete, §3.3.1), sees the application and what it asks for, and approves or
 * denies once. Approval records a Consent, so the grant is listed and revocable like any other.
 */
export async function deviceVerification(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  const { config } = provider
  if (request.method !== 'GET' && request.method !== 'POST') {
    throw new OAuthError('invalid_request', 'use GET or POST', { status: 405, headers: { allow: 'GET, POST' } })
  }
  const query = queryParams(request)
  const user = await config.accounts.current(request)
  if (!user) {
    const typed = request.method === 'GET' ? query.get('user_code') : undefined
    const returnTo = typed === undefined ? action(provider) : `${action(provider)}?${new URLSearchParams({ user_code: typed })}`
    return config.accounts.loginResponse(request, { returnTo })
  }
  if (request.method === 'GET') {
    return deviceEntryPage({ action: action(provider), csrf: await csrfFor(provider, user) }, { userCode: query.get('user_code') ?? '' })
  }
  const form = await readForm(request)
  const code = normaliseUserCode(form.get('user_code') ?? '')
  const decision = form.get('decision')
  return decision === undefined ? enterCode(provider, call, user, form, code) : decide(provider, call, user, form, code, decision)
}

/** A code entry: CSRF, rate limit, then the lookup; a wrong code shows the form again. */
async function enterCode(
  provider: ProviderContext,
  call: RequestContext,
  user: AccountSession,
  form: Params,
  code: string | undefined,
): Promise<Response> {
  const { config } = provider
  if (!(await verifyFor(config.secrets, 'device', form.get('csrf') ?? '', user.sessionId, ''))) {
    throw new OAuthError('invalid_request', 'the form is invalid or belongs to another session')
  }
  await checkEntryRate(provider, call, user.sessionId)
  const entry = { action: action(provider), csrf: await csrfFor(provider, user) }
  const record = code === undefined ? null : await config.storage.findDeviceAuthorization?.(userCodeHash(code), config.seconds())
  const client = record ? await config.storage.getClient(record.client_id) : null
  if (!code || !record || !client) return deviceEntryPage(entry, { userCode: form.get('user_code') ?? '', error: WRONG_CODE, status: 400 })
  const shown = `${code.slice(0, 4)}-${code.slice(4)}`
  return deviceConfirmPage(
    { action: action(provider), csrf: await csrfFor(provider, user, code) },
    {
      client,
      userCode: shown,
      scopes: record.scopes.map((name) => ({ name, description: config.scopes[name] ?? name })),
      resources: record.resource.map((uri) => resourceLabel(config.resources, uri)),
    },
  )
}

/** The decision, bound by its CSRF value to this session and this code; recorded once. */
async function decide(
  provider: ProviderContext,
  call: RequestContext,
  user: AccountSession,
  form: Params,
  code: string | undefined,
  decision: string,
): Promise<Response> {
  const { config } = provider
  const { storage } = config
  if (!code || !(await verifyFor(config.secrets, 'device', form.get('csrf') ?? '', user.sessionId, code))) {
    throw new OAuthError('invalid_request', 'the form is invalid or belongs to another session')
  }
  const now = config.seconds()
  const hash = userCodeHash(code)
  const record = await storage.findDeviceAuthorization?.(hash, now)
  if (!record) throw new OAuthError('invalid_request', 'this code was already answered or has expired')
  const approved = decision === 'approve'
  if (approved) {
    const existing = await storage.findConsent(user.sub, record.client_id)
    const grant = { sub: user.sub, client_id: record.client_id, scopes: record.scopes }
    // Recorded before the decision, so that the first poll after it finds the consent.
    await recordConsent(consentServices(provider, call), grant, existing)
  }
  const outcome = approved ? ({ status: 'approved', sub: user.sub, auth_time: user.authTime } as const) : ({ status: 'denied' } as const)
  if (!(await storage.decideDeviceAuthorization?.(hash, outcome, now))) {
    throw new OAuthError('invalid_request', 'this code was already answered or has expired')
  }
  if (!approved) emit(provider, call, { type: 'consent.denied', client_id: record.client_id, sub: user.sub, scopes: record.scopes })
  return deviceDonePage(approved)
}
