import type { AccountPages, AccountPagesContext } from '../contracts/accounts.js'
import { html } from '../html/html.js'
import { page } from '../html/layout.js'
import { queryParams, readForm } from '../http/form.js'
import { NO_STORE } from '../http/responses.js'
import { OAuthError } from '../primitives/errors.js'
import { BUSY, badRequestPage, forbiddenPage, INVALID_LOGIN, LOCKED_OUT, loginPage, logoutPage } from './account-pages.js'
import type { Authenticate } from './authenticate.js'
import { isSecure } from './cookies.js'
import { checkFormCsrf, csrfCookie, formCsrf, renewCsrfCookie } from './csrf.js'
import { localPath } from './local-path.js'
import type { ResolvedLocalAccountsOptions } from './options.js'
import type { Sessions } from './sessions.js'

/** A 303 (RFC 9110 §15.4.4: the next request is a GET) carrying any number of cookies. */
function seeOther(location: string, cookies: string[]): Response {
  const response = new Response(null, { status: 303, headers: { location, ...NO_STORE } })
  for (const value of cookies) response.headers.append('set-cookie', value)
  return response
}

function withCookie(response: Response, setCookie: string | undefined): Response {
  if (setCookie) response.headers.append('set-cookie', setCookie)
  return response
}

/**
 * The login and logout pages of `localAccounts` (Django's LoginView and LogoutView), served at
 * `loginPath` and `logoutPath` with or without the trailing slash.
 */
export function createAccountPages(
  options: ResolvedLocalAccountsOptions,
  sessions: Sessions,
  authenticate: Authenticate,
  usernameOf: (sub: string) => Promise<string | undefined>,
): AccountPages {
  const { secrets, loginPath, logoutPath } = options
  const withNext = (path: string, next: string | undefined) => (next ? `${path}?next=${encodeURIComponent(next)}` : path)

  const which = (request: Request): 'login' | 'logout' | undefined => {
    const { pathname } = new URL(request.url)
    const slashed = pathname.endsWith('/') ? pathname : `${pathname}/`
    return slashed === loginPath ? 'login' : slashed === logoutPath ? 'logout' : undefined
  }

  async function showLogin(request: Request): Promise<Response> {
    const csrf = csrfCookie(request, isSecure(request, options.secureCookies))
    const query = queryParams(request)
    const next = localPath(query.get('next'))
    const signedInAs = query.get('prompt') === 'select_account' && next ? await currentUsername(request) : undefined
    const view = { action: loginPath, csrf: await formCsrf(secrets, 'login-form', csrf.value), next }
    return withCookie(loginPage(signedInAs === undefined ? view : { ...view, signedInAs }), csrf.setCookie)
  }

  /** The signed-in user's name, for prompt=select_account (OIDC Core §3.1.2.1). */
  async function currentUsername(request: Request): Promise<string | undefined> {
    const session = await sessions.current(request)
    return session ? usernameOf(session.sub) : undefined
  }

  async function submitLogin(request: Request, context: AccountPagesContext | undefined): Promise<Response> {
    const params = await readForm(request)
    const next = localPath(params.get('next'))
    if (!(await checkFormCsrf(secrets, 'login-form', request, params.get('csrf')))) return forbiddenPage(withNext(loginPath, next))
    const username = params.get('username') ?? ''
    const view = { action: loginPath, csrf: params.get('csrf') as string, next, username }
    const password = params.get('password')
    if (!username || !password) return loginPage({ ...view, error: INVALID_LOGIN })
    const address = context?.clientAddress
    const result = await authenticate(username, password, address)
    if (result.status === 'invalid' || result.status === 'locked') {
      context?.emit({
        type: 'login.failed',
        via: 'login_form',
        username: username.slice(0, 150),
        reason: result.status === 'locked' ? 'locked_out' : 'invalid_credentials',
        ...(address ? { address } : {}),
      })
    }
    // RFC 6585 §4: locked out, or no free slot to check the password in; the form stays filled in.
    if (result.status === 'locked' || result.status === 'busy') {
      const response = loginPage({ ...view, error: result.status === 'locked' ? LOCKED_OUT : BUSY, status: 429 })
      response.headers.set('retry-after', String(result.retryAfter))
      return response
    }
    if (result.status === 'invalid') return loginPage({ ...view, error: INVALID_LOGIN })
    const session = await sessions.start(request, result.user.sub)
    return seeOther(next ?? '/', [session, renewCsrfCookie(isSecure(request, options.secureCookies)).setCookie])
  }

  async function showLogout(request: Request): Promise<Response> {
    const csrf = csrfCookie(request, isSecure(request, options.secureCookies))
    const next = localPath(queryParams(request).get('next'))
    const signedIn = (await sessions.current(request)) !== null
    return withCookie(
      logoutPage({ action: logoutPath, csrf: await formCsrf(secrets, 'logout-form', csrf.value), next, signedIn }),
      csrf.setCookie,
    )
  }

  async function submitLogout(request: Request): Promise<Response> {
    const params = await readForm(request)
    const next = localPath(params.get('next'))
    if (!(await checkFormCsrf(secrets, 'logout-form', request, params.get('csrf')))) return forbiddenPage(withNext(logoutPath, next))
    return seeOther(next ?? loginPath, [await sessions.end(request)])
  }

  return {
    owns: (request) => which(request) !== undefined,
    async handle(request, context) {
      const name = which(request)
      if (name === undefined) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
      const method = request.method === 'HEAD' ? 'GET' : request.method
      try {
        if (method === 'GET') return await (name === 'login' ? showLogin(request) : showLogout(request))
        if (method === 'POST') return await (name === 'login' ? submitLogin(request, context) : submitLogout(request))
      } catch (error) {
        // Malformed input (not a form, a repeated or oversized field) is the client's error, shown here.
        if (error instanceof OAuthError) return badRequestPage(error.message, error.status)
        throw error
      }
      const response = page('Method not allowed', html`<div class="card"><h1>Method not allowed</h1></div>`, { status: 405 })
      response.headers.set('allow', 'GET, HEAD, POST')
      return response
    },
  }
}
