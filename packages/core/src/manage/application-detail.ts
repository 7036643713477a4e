import type { Client } from '../contracts/storage.js'
import { html, type SafeHtml } from '../html/html.js'
import { formatTime, type ManageContext, managePage, notFound } from './manage-page.js'
import { ownApplication } from './ownership.js'
import { rotateSecretForm } from './rotate-secret-form.js'

const list = (items: string[], empty: string) =>
  items.length === 0
    ? html`<span class="muted">${empty}</span>`
    : html`<ul class="plain">${items.map((item) => html`<li><code>${item}</code></li>`)}</ul>`

/** Where the client's public keys are: its jwks_uri, or the kids of its jwks. */
function publicKeys(client: Client): SafeHtml | string {
  const { jwks, jwks_uri } = client.metadata
  if (jwks_uri) return html`<code>${jwks_uri}</code>`
  if (!jwks) return html`<span class="muted">None</span>`
  return list(
    jwks.keys.map((key) => `${typeof key.kty === 'string' ? key.kty : '?'} ${typeof key.kid === 'string' ? key.kid : '(no kid)'}`),
    'None',
  )
}

/** The registration as the owner may see it: never the secret, never its hash. */
function details(client: Client, now: number): SafeHtml {
  const rows: [string, SafeHtml | string][] = [
    ['Client ID', html`<code>${client.client_id}</code>`],
    ['Client type', client.client_type === 'public' ? 'Public' : 'Confidential'],
    ['Client authentication', html`<code>${client.token_endpoint_auth_method}</code>`],
    ['Grant types', list(client.grant_types, 'None')],
    ['Redirect URIs', list(client.redirect_uris, 'None')],
    ['Post-logout redirect URIs', list(client.post_logout_redirect_uris, 'None')],
    ['Allowed scopes', list(client.scope.split(' ').filter(Boolean), 'Every scope the server offers')],
    ['Skip authorization', client.skip_authorization ? 'Yes' : 'No'],
    // RFC 9126 §6: set by the operator, like skipping authorization; shown, not edited here.
    ['Pushed authorization requests', client.metadata.require_pushed_authorization_requests ? 'Required' : 'Optional'],
    // RFC 9449 §5.2: the owner's own setting, edited on the form when the server takes DPoP proofs.
    ['DPoP-bound access tokens', client.metadata.dpop_bound_access_tokens ? 'Required' : 'Optional'],
    // RFC 7591 §2: the public keys of private_key_jwt (RFC 7523) and request objects (RFC 9101).
    ['Public keys', publicKeys(client)],
    ['Registered', formatTime(client.created_at)],
  ]
  // A rotated-out secret still in its overlap (RFC 7591 §3.2.1 client_secret_expires_at of the old one).
  const until = client.previous_secret_expires_at
  if (until !== null && until > now) rows.push(['Old secret', html`Works until ${formatTime(until)}`])
  return html`<dl class="fields">${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`
}

/**
 * The secret, once: answered to the registering POST itself and stored nowhere but as its hash
 * (docs/architecture.md "Formats"), so neither this page nor any other can show it again.
 */
function secretNotice(client: Client, secret: string | undefined): SafeHtml {
  if (secret === undefined && client.token_endpoint_auth_method === 'private_key_jwt') {
    return html`<div class="notice" role="status"><strong>Application registered.</strong> It has no secret: it proves itself with a JWT signed by its private key (private_key_jwt).</div>`
  }
  if (secret === undefined) {
    return html`<div class="notice" role="status"><strong>Application registered.</strong> A public client has no secret: it proves itself with PKCE.</div>`
  }
  return html`<div class="notice" role="status"><p><strong>Application registered. Copy the client secret now: it will not be shown again.</strong></p>
<label for="client_secret">Client secret of <code>${client.client_id}</code></label>
<input type="text" id="client_secret" class="secret" readonly autocomplete="off" spellcheck="false" value="${secret}">
<p class="muted">Grantline keeps only a hash of it. If it is lost, register a new application.</p></div>`
}

/**
 * The detail page; `created` marks the answer to a registration, which may carry the secret, and
 * `notice` another answer to show above the details (a rotated secret).
 */
export function applicationPage(ctx: ManageContext, client: Client, created?: { secret?: string }, notice?: SafeHtml): Response {
  const { paths } = ctx
  const body = html`<h1>${client.client_name}</h1>${created && secretNotice(client, created.secret)}${notice}${details(client, ctx.provider.config.seconds())}
<div class="actions"><a class="button" href="${paths.applications}">All applications</a><a class="button" href="${paths.update(client.client_id)}">Edit</a><a class="button danger" href="${paths.delete(client.client_id)}">Delete</a></div>${rotateSecretForm(ctx, client)}`
  return managePage(
    paths,
    'applications',
    created ? `Registered ${client.client_name}` : client.client_name,
    body,
    created ? { status: 201 } : {},
  )
}

/** GET `applications/<client_id>/`: DOT's ApplicationDetail, for the owner only. */
export async function showApplication(ctx: ManageContext, clientId: string): Promise<Response> {
  const client = await ownApplication(ctx, clientId)
  return client ? applicationPage(ctx, client) : notFound(ctx.paths)
}
