import type { RotatedSecret } from '../clients/rotate-secret.js'
import { ConfigError } from '../primitives/errors.js'
import { html, type SafeHtml } from '../html/html.js'
import type { Client } from '../contracts/storage.js'
import { applicationPage } from './application-detail.js'
import { csrfField, formatTime, type ManageContext, notFound, problemPage } from './manage-page.js'
import { ownApplication } from './ownership.js'

/** How long the old secret may keep working after a rotation, in seconds, as the form offers it. */
const GRACE_CHOICES: [seconds: number, label: string][] = [
  [0, 'No: it stops now'],
  [3600, 'For 1 hour'],
  [86_400, 'For 1 day'],
  [7 * 86_400, 'For 7 days'],
]

/** The detail page's "Rotate secret" form: only for a client that authenticates with a secret. */
export function rotateSecretForm(ctx: ManageContext, client: Client): SafeHtml | undefined {
  if (client.client_type !== 'confidential' || client.secret_hash === null) return undefined
  const options = GRACE_CHOICES.map(
    ([seconds, label]) => html`<option value="${String(seconds)}"${seconds === 86_400 ? html` selected` : ''}>${label}</option>`,
  )
  return html`<form method="post" action="${ctx.paths.rotateSecret(client.client_id)}" class="rotate">${csrfField(ctx.csrf)}
<h2>Rotate secret</h2><p>A new client secret, shown once. Deploy it, then let the old one go.</p>
<label for="grace">Keep the old secret working</label><select id="grace" name="grace">${options}</select>
<div class="actions"><button type="submit">Rotate secret</button></div></form>`
}

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
