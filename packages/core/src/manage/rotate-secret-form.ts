import type { Client } from '../contracts/storage.js'
import { html, type SafeHtml } from '../html/html.js'
import { csrfField, type ManageContext } from './manage-page.js'

/** How long the old secret may keep working after a rotation, in seconds, as the form offers it. */
export const GRACE_CHOICES: [seconds: number, label: string][] = [
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
