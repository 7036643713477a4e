import type { OAuthError } from '../primitives/errors.js'
import { html } from './html.js'
import { page } from './layout.js'

/** Shown when an authorization error cannot be redirected: the client or redirect_uri is not trusted. */
export function errorPage(error: OAuthError): Response {
  return page(
    'Authorization error',
    html`<div class="card"><h1>This request cannot be completed</h1><p class="error"><code>${error.error}</code></p><p>${error.message}</p><p class="muted">Go back to the application you came from and try again.</p></div>`,
    { status: error.status },
  )
}
