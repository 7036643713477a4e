import { html, type SafeHtml } from './html.js'
import { page } from './layout.js'

/** Where the verification page posts, with its CSRF value. */
export interface DeviceForm {
  action: string
  csrf: string
}

/** What the confirmation step shows (RFC 8628 §3.3, §5.4): the application, scopes and resources. */
export interface DeviceConfirmation {
  client: { client_name: string }
  userCode: string
  scopes: { name: string; description: string }[]
  resources: { uri: string; name?: string }[]
}

const card = (body: SafeHtml): SafeHtml => html`<div class="card">${body}</div>`

/**
 * RFC 8628 §3.3: the code-entry form, prefilled from verification_uri_complete (§3.3.1); the user
 * still submits it, so a link alone never reaches the decision. No JavaScript.
 */
export function deviceEntryPage(form: DeviceForm, options: { userCode?: string; error?: string; status?: number } = {}): Response {
  const error = options.error ? html`<p class="notice error" role="alert" id="device-error">${options.error}</p>` : ''
  return page(
    'Connect a device',
    card(html`<h1>Connect a device</h1>${error}
<p>Enter the code shown on your device.</p>
<form method="post" action="${form.action}"><input type="hidden" name="csrf" value="${form.csrf}">
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" value="${options.userCode ?? ''}" autocomplete="off" autocapitalize="characters" spellcheck="false" required${options.error ? html` aria-invalid="true" aria-describedby="device-error"` : ''}>
<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>`),
    { status: options.status ?? 200 },
  )
}

/**
 * RFC 8628 §5.4: the user confirms the code matches their device and sees what they grant and to
 * which application, then approves or denies.
 */
export function deviceConfirmPage(form: DeviceForm, confirmation: DeviceConfirmation): Response {
  const { client, scopes, resources, userCode } = confirmation
  const items = scopes.map(
    (scope) => html`<li><strong>${scope.description}</strong><br><span class="muted"><code>${scope.name}</code></span></li>`,
  )
  const apis = resources.map(
    (resource) => html`<li>${resource.name ? html`<strong>${resource.name}</strong> ` : ''}<code>${resource.uri}</code></li>`,
  )
  return page(
    `Connect ${client.client_name}`,
    card(html`<h1>Connect <span>${client.client_name}</span>?</h1>
<p>Check that your device shows the code <strong><code>${userCode}</code></strong>. Approve only a device you are using yourself.</p>
<p>This application asks for the following permissions:</p>
<ul class="scopes" aria-label="Requested permissions">${items}</ul>
${apis.length > 0 ? html`<p>It will use them at:</p><ul class="plain" aria-label="Where the permissions apply">${apis}</ul>` : ''}
<form method="post" action="${form.action}"><input type="hidden" name="csrf" value="${form.csrf}"><input type="hidden" name="user_code" value="${userCode}">
<div class="actions"><button type="submit" name="decision" value="deny">Deny</button><button type="submit" class="primary" name="decision" value="approve">Approve</button></div>
</form>`),
  )
}

/** The end of the flow: the user goes back to their device. */
export function deviceDonePage(approved: boolean): Response {
  const title = approved ? 'Device connected' : 'Request denied'
  const text = approved ? 'You can return to your device.' : 'The device was not connected. You can close this page.'
  return page(title, card(html`<h1>${title}</h1><p role="status">${text}</p>`))
}
