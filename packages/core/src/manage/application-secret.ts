import type { RotatedSecret } from '../contracts/clients.js'
import type { Client } from '../contracts/storage.js'
import { html, type SafeHtml } from '../html/html.js'
import { ConfigError } from '../primitives/errors.js'
import { applicationPage } from './application-detail.js'
import { formatTime, type ManageContext, notFound, problemPage } from './manage-page.js'
import { ownApplication } from './ownership.js'
import { GRACE_CHOICES } from './rotate-secret-form.js'

/** The new secret, once, and until when the old one still works (RFC 7591 §3.2.1: the new one does not expire). */
function rotatedNotice(client: Client, rotated: RotatedSecret): SafeHtml {
  const old =
    rotated.previous_secret_expires_at === null
      ? html`The old secret has stopped working.`
      : html`The old secret keeps working until ${formatTime(rotated.previous_secret_expires_at)}, then stops.`
  return html`<div class="notice" role="status"><p><strong>Secret rotated. Copy the new client secret now: it will not be shown again.</strong></p>
<label for="client_secret">Client secret of <code>${client.client_id}</code></label>
<input type="text" id="client_secret" class="secret" readonly autocomplete="off" spellcheck="false" value="${rotated.client_secret}">
<p>${old} The new secret does not expire.</p></div>`
}

/** POST `applications/<client_id>/rotate-secret/`: a new secret for the owner, shown once on the detail page. */
export async function rotateSecret(ctx: ManageContext, clientId: string): Promise<Response> {
  const client = await ownApplication(ctx, clientId)
  if (!client) return notFound(ctx.paths)
  const grace = Number(ctx.form.get('grace'))
  if (!GRACE_CHOICES.some(([seconds]) => seconds === grace)) {
    return problemPage(ctx.paths, 400, 'Unknown grace period', 'Choose how long the old secret keeps working from the list.')
  }
  let rotated: RotatedSecret
  try {
    rotated = await ctx.clients.rotateSecret(client.client_id, { graceSeconds: grace })
  } catch (error) {
    if (error instanceof ConfigError) return problemPage(ctx.paths, 400, 'The secret was not rotated', error.message)
    throw error
  }
  return applicationPage(ctx, rotated.client, undefined, rotatedNotice(rotated.client, rotated))
}
