import { createClientsApi } from '../clients/clients-api.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import type { Params } from '../contracts/params.js'
import { signFor, verifyFor } from '../html/csrf.js'
import { readForm } from '../http/form.js'
import { OAuthError } from '../primitives/errors.js'
import { confirmDelete, deleteApplication } from './application-delete.js'
import { showApplication } from './application-detail.js'
import { register, showRegisterForm, showUpdateForm, update } from './application-edit.js'
import { listApplications } from './application-list.js'
import { rotateSecret } from './application-secret.js'
import { confirmRevoke, listAuthorizedTokens, revokeAuthorizedToken } from './authorized-tokens.js'
import { type ManageContext, notFound, problemPage } from './manage-page.js'
import { managePaths } from './paths.js'

type Handler = (ctx: ManageContext) => Response | Promise<Response>
type Route = { GET: Handler; POST?: Handler }

/** Whether a path below `basePath/` is a management page (DOT's `applications/`, `authorized_tokens/`). */
export function isManagePath(rest: string): boolean {
  return /^(applications|authorized_tokens)(\/|$)/.test(rest)
}

/** The path's segments below `basePath/`, percent-decoded; undefined when one cannot be. */
function segments(pathname: string, basePath: string): string[] | undefined {
  const raw = pathname
    .slice(basePath.length + 1)
    .replace(/\/$/, '')
    .split('/')
  try {
    return raw.map((segment) => decodeURIComponent(segment))
  } catch {
    return undefined
  }
}

/** DOT's `oauth2_provider/urls.py` management views, each with and without the trailing slash. */
function match(parts: string[]): Route | undefined {
  const [section, id, action, ...extra] = parts
  if (extra.length > 0 || id === '' || action === '') return undefined
  if (section === 'applications') {
    if (id === undefined) return { GET: listApplications }
    if (id === 'register' && action === undefined) return { GET: showRegisterForm, POST: register }
    if (action === undefined) return { GET: (ctx) => showApplication(ctx, id) }
    if (action === 'update') return { GET: (ctx) => showUpdateForm(ctx, id), POST: (ctx) => update(ctx, id) }
    if (action === 'delete') return { GET: (ctx) => confirmDelete(ctx, id), POST: (ctx) => deleteApplication(ctx, id) }
    // The form is on the detail page; a GET here shows that page.
    if (action === 'rotate-secret') return { GET: (ctx) => showApplication(ctx, id), POST: (ctx) => rotateSecret(ctx, id) }
  }
  if (section === 'authorized_tokens') {
    if (id === undefined) return { GET: listAuthorizedTokens }
    if (action === 'delete') return { GET: (ctx) => confirmRevoke(ctx, id), POST: (ctx) => revokeAuthorizedToken(ctx, id) }
  }
  return undefined
}

/**
 * The management pages for the signed-in user: their applications and the grants they gave.
 * A signed-out user gets the host app's login response; every POST must carry the session's CSRF
 * value. Bad requests become pages; unexpected errors go to the provider's one renderer.
 */
export async function manage(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  const { config } = provider
  const paths = managePaths(config.basePath)
  const { pathname } = new URL(request.url)
  const parts = segments(pathname, config.basePath)
  const route = parts && match(parts)
  if (!route) return notFound(paths)
  const { method } = request
  const handler = method === 'GET' ? route.GET : method === 'POST' ? route.POST : undefined
  if (!handler) {
    const allow = route.POST ? 'GET, POST' : 'GET'
    return problemPage(paths, 405, 'Method not allowed', `This page answers ${allow}.`, { allow })
  }
  const user = await config.accounts.current(request)
  if (!user) return config.accounts.loginResponse(request, { returnTo: pathname })
  let form: Params = new Map()
  try {
    if (method === 'POST') form = await readForm(request)
  } catch (error) {
    if (error instanceof OAuthError) return problemPage(paths, error.status, 'The form could not be read', error.message)
    throw error
  }
  if (method === 'POST' && !(await verifyFor(config.secrets, 'manage', form.get('csrf') ?? '', user.sessionId))) {
    return problemPage(
      paths,
      403,
      'Form expired',
      'The form has expired or was not sent from this site. Go back, reload the page and try again.',
    )
  }
  const csrf = await signFor(config.secrets, 'manage', user.sessionId)
  // The methods the server offers, private_key_jwt among them, as for provider.clients.
  const clients = createClientsApi(
    config.storage,
    config.seconds,
    provider.clientAuth.map((method) => method.name),
  )
  return handler({ provider, request, call, user, clients, paths, csrf, form })
}
