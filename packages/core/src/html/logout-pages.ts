import type { ProviderContext } from '../contracts/context.js'
import type { OAuthError } from '../primitives/errors.js'
import { html } from './html.js'
import { page } from './layout.js'

const site = (provider: ProviderContext) => new URL(provider.config.issuer).host

/** What the confirmation page shows of a validated logout request, and the parameters it posts back. */
export interface ConfirmedLogout {
  client: { client_name: string } | null
  redirectTo: string | undefined
  carried: Record<string, string>
}

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
export function logoutConfirmPage(provider: ProviderContext, request: ConfirmedLogout, csrf: string): Response {
  const name = site(provider)
  const hidden = Object.entries({ ...request.carried, csrf }).map(
    ([field, value]) => html`<input type="hidden" name="${field}" value="${value}">`,
  )
  const asker = request.client && html`<p><strong>${request.client.client_name}</strong> asks to sign you out.</p>`
  const next =
    request.redirectTo && html`<p class="muted">You will then be sent back to <code>${formActionSource(request.redirectTo)}</code>.</p>`
  return page(
    `Sign out of ${name}?`,
    html`<div class="card"><h1>Sign out of ${name}?</h1>${asker}<p>You will be signed out of ${name}.</p>${next}
<form method="post" action="${provider.config.basePath}/logout/">${hidden}
<div class="actions"><button type="submit" class="primary" name="logout" value="Sign out">Sign out</button></div>
</form></div>`,
    { formAction: request.redirectTo ? [formActionSource(request.redirectTo)] : [] },
  )
}

/** Shown after a sign-out without a registered place to go back to. */
export function signedOutPage(provider: ProviderContext): Response {
  return page(
    'Signed out',
    html`<div class="card"><h1>You are signed out</h1><p>You have signed out of ${site(provider)}. You can close this page.</p></div>`,
  )
}

/** A logout request that failed validation: nothing is redirected (RP-Initiated Logout 1.0 §4). */
export function logoutErrorPage(error: OAuthError): Response {
  const response = page(
    'Sign-out error',
    html`<div class="card"><h1>This sign-out request cannot be completed</h1><p class="error"><code>${error.error}</code></p><p>${error.message}</p><p class="muted">Go back to the application you came from and try again.</p></div>`,
    { status: error.status },
  )
  for (const [name, value] of Object.entries(error.headers)) response.headers.set(name, value)
  return response
}
