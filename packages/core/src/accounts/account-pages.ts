import { html, raw, type SafeHtml } from '../html/html.js'
import { page } from '../html/layout.js'

/** Django's LoginView message, the same for an unknown user and a wrong password. */
export const INVALID_LOGIN = 'Please enter a correct username and password. Note that both fields may be case-sensitive.'
export const LOCKED_OUT = 'Too many failed sign-in attempts. Wait a while, then try again.'
export const BUSY = 'The server is busy checking other sign-ins. Wait a moment, then try again.'

const hidden = (fields: Record<string, string | undefined>): SafeHtml[] =>
  Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)

const alert = (message: string | undefined) => message && html`<p class="error" role="alert" id="form-error">${message}</p>`

export interface LoginFormView {
  action: string
  csrf: string
  next?: string
  username?: string
  error?: string
  status?: number
  /** For prompt=select_account (OIDC Core §3.1.2.1): the signed-in user's name, offered to continue as. */
  signedInAs?: string
}

/** Continue as the signed-in user (a plain link back to `next`) or sign in as someone else below. */
const accountChoice = (name: string, next: string) =>
  html`<h1>Choose an account</h1><p>Signed in as <strong>${name}</strong>.</p>
<div class="actions"><a class="button primary" href="${next}">Continue as ${name}</a></div>
<h2>Sign in as someone else</h2>`

/**
 * The sign-in form: Django's field names (`username`, `password`, hidden `next`). No JavaScript.
 * With `signedInAs` it first offers to continue as that user (prompt=select_account).
 */
export function loginPage(view: LoginFormView): Response {
  const described = view.error ? raw(' aria-describedby="form-error"') : ''
  const choice = view.signedInAs !== undefined && view.next !== undefined
  return page(
    choice ? 'Choose an account' : 'Sign in',
    html`<div class="card">${choice ? accountChoice(view.signedInAs as string, view.next as string) : html`<h1>Sign in</h1>`}${alert(view.error)}
<form method="post" action="${view.action}">${hidden({ csrf: view.csrf, next: view.next })}
<label for="id_username">Username</label>
<input type="text" name="username" id="id_username" autocomplete="username" autocapitalize="none" maxlength="150" required${choice ? '' : raw(' autofocus')} value="${view.username ?? ''}"${described}>
<label for="id_password">Password</label>
<input type="password" name="password" id="id_password" autocomplete="current-password" required${described}>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form></div>`,
    { status: view.status ?? 200 },
  )
}

/** Asks before signing out: a GET must not end a session (a link or an image could trigger it). */
export function logoutPage(view: { action: string; csrf: string; next?: string; signedIn: boolean }): Response {
  const body = view.signedIn
    ? html`<h1>Sign out?</h1><p>You will be signed out of this server.</p>
<form method="post" action="${view.action}">${hidden({ csrf: view.csrf, next: view.next })}
<div class="actions"><button type="submit" class="primary">Sign out</button></div></form>`
    : html`<h1>Signed out</h1><p>You are not signed in.</p>`
  return page('Sign out', html`<div class="card">${body}</div>`)
}

/** Django's CSRF failure: 403, and a way back to a fresh form. */
export function forbiddenPage(retry: string): Response {
  return page(
    'Forbidden',
    html`<div class="card"><h1>Forbidden (403)</h1><p class="error" role="alert">CSRF verification failed. Request aborted.</p>
<p>The form expired or your browser did not send its cookies. <a href="${retry}">Load the form again</a> and resubmit it.</p></div>`,
    { status: 403 },
  )
}

/** A malformed submission (not a form, repeated fields, too large). */
export function badRequestPage(message: string, status = 400): Response {
  return page('Bad request', html`<div class="card"><h1>Bad request</h1><p class="error" role="alert">${message}</p></div>`, {
    status,
  })
}
