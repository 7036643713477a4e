import type { ProviderContext } from '../context.js'
import type { OAuthError } from '../errors.js'
import { escapeHtml, page } from '../pages/layout.js'
import type { LogoutRequest } from './logout-request.js'

const site = (provider: ProviderContext) => new URL(provider.config.issuer).host

/** A CSP form-action source for a redirect target: its origin, or its scheme (RFC 8252 §7.1). */
function formActionSource(uri: string): string {
  const url = new URL(uri)
  return url.origin === 'null' ? url.protocol : url.origin
}

/**
 * RP-Initiated Logout 1.0 §2: the OP asks the user whether to sign out. The form posts the
 * request's parameters back with a CSRF value bound to the session; its CSP form-action allows
 * the origin of the validated post_logout_redirect_uri the answer redirects to.
 */
export function logoutConfirmPage(provider: ProviderContext, request: LogoutRequest, csrf: string): Response {
  const name = escapeHtml(site(provider))
  const hidden = Object.entries({ ...request.carried, csrf })
    .map(([field, value]) => `<input type="hidden" name="${escapeHtml(field)}" value="${escapeHtml(value)}">`)
    .join('')
  const asker = request.client ? `<p><strong>${escapeHtml(request.client.client_name)}</strong> asks to sign you out.</p>` : ''
  const next = request.redirectTo
    ? `<p class="muted">You will then be sent back to <code>${escapeHtml(formActionSource(request.redirectTo))}</code>.</p>`
    : ''
  return page(
    `Sign out of ${site(provider)}?`,
    `<div class="card"><h1>Sign out of ${name}?</h1>${asker}<p>You will be signed out of ${name}.</p>${next}
<form method="post" action="${escapeHtml(provider.config.basePath)}/logout/">${hidden}
<div class="actions"><button type="submit" class="primary" name="logout" value="Sign out">Sign out</button></div>
</form></div>`,
    { formAction: request.redirectTo ? [formActionSource(request.redirectTo)] : [] },
  )
}

/** Shown after a sign-out without a registered place to go back to. */
export function signedOutPage(provider: ProviderContext): Response {
  const name = escapeHtml(site(provider))
  return page(
    'Signed out',
    `<div class="card"><h1>You are signed out</h1><p>You have signed out of ${name}. You can close this page.</p></div>`,
  )
}

/** A logout request that failed validation: nothing is redirected (RP-Initiated Logout 1.0 §4). */
export function logoutErrorPage(error: OAuthError): Response {
  const response = page(
    'Sign-out error',
    `<div class="card"><h1>This sign-out request cannot be completed</h1><p class="error"><code>${escapeHtml(error.error)}</code></p><p>${escapeHtml(error.message)}</p><p class="muted">Go back to the application you came from and try again.</p></div>`,
    { status: error.status },
  )
  for (const [name, value] of Object.entries(error.headers)) response.headers.set(name, value)
  return response
}
