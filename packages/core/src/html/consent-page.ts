import type { ConsentContext } from '../contracts/consent.js'
import { html, type SafeHtml } from './html.js'
import { page } from './layout.js'

function unverifiedNotice({ redirectHost, documentHost }: { redirectHost: string; documentHost?: string }): SafeHtml {
  const origin = documentHost
    ? html`It describes itself in a document published at <code>${documentHost}</code>; this server has not checked its name.`
    : 'It registered itself with this server, which has not checked its name.'
  return html`<p class="notice error" role="note"><strong>Unverified application.</strong> ${origin} It will receive your authorization at <code>${redirectHost}</code>: continue only if you trust that address.</p>`
}

/**
 * The built-in consent page: accessible HTML without JavaScript. "Authorize" posts `allow`
 * (DOT's field name); "Cancel" posts the form without it.
 */
export function consentPage(context: ConsentContext): Response {
  const { client, scopes, form, redirectUri } = context
  const url = new URL(redirectUri)
  // A private-use scheme (RFC 8252 §7.1) has no origin; CSP names it by scheme instead.
  const target = url.origin === 'null' ? url.protocol : url.origin
  const items = scopes.map(
    (scope) => html`<li><strong>${scope.description}</strong><br><span class="muted"><code>${scope.name}</code></span></li>`,
  )
  const apis = (context.resources ?? []).map(
    (resource) => html`<li>${resource.name ? html`<strong>${resource.name}</strong> ` : ''}<code>${resource.uri}</code></li>`,
  )
  const hidden = Object.entries(form.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)
  return page(
    `Authorize ${client.client_name}`,
    html`<div class="card"><h1>Authorize <span>${client.client_name}</span>?</h1>
${context.unverified ? unverifiedNotice(context.unverified) : ''}<p>This application asks for the following permissions:</p>
<ul class="scopes" aria-label="Requested permissions">${items}</ul>
${apis.length > 0 ? html`<p>It will use them at:</p><ul class="plain" aria-label="Where the permissions apply">${apis}</ul>` : ''}
<p class="muted">You will be sent back to <code>${target}</code>.</p>
<form method="post" action="${form.action}">${hidden}
<div class="actions"><button type="submit" name="deny" value="Cancel">Cancel</button><button type="submit" class="primary" name="allow" value="Authorize">Authorize</button></div>
</form></div>`,
    { formAction: [target], ...(context.uiLocales?.[0] ? { lang: context.uiLocales[0] } : {}) },
  )
}
