import type { Consent } from '../contracts/storage.js'
import { emit } from '../events/emit.js'
import { html, type SafeHtml } from '../html/html.js'
import { redirect } from '../http/responses.js'
import { csrfField, formatTime, type ManageContext, managePage, notFound } from './manage-page.js'
import { ownConsent } from './ownership.js'

/** The client's name, or its id when the client has since been deleted. */
async function clientName(ctx: ManageContext, consent: Consent): Promise<SafeHtml> {
  const client = await ctx.clients.get(consent.client_id)
  return client ? html`${client.client_name}` : html`<code>${consent.client_id}</code> <span class="muted">(deleted)</span>`
}

function scopeList(ctx: ManageContext, scopes: string[]): SafeHtml {
  const { scopes: described } = ctx.provider.config
  const items = scopes.map(
    (scope) => html`<li>${(Object.hasOwn(described, scope) ? described[scope] : undefined) ?? scope} <code>${scope}</code></li>`,
  )
  return html`<ul class="plain">${items}</ul>`
}

/**
 * GET `authorized_tokens/`: DOT's AuthorizedTokensList. Grantline lists the grants (consents) the
 * user gave, since revoking one ends every token issued under it.
 */
export async function listAuthorizedTokens(ctx: ManageContext): Promise<Response> {
  const consents = await ctx.provider.config.storage.listConsents(ctx.user.sub)
  const rows: SafeHtml[] = []
  for (const consent of consents) {
    const name = await clientName(ctx, consent)
    rows.push(
      html`<tr><td>${name}</td><td>${scopeList(ctx, consent.scopes)}</td><td class="nowrap">${formatTime(consent.created_at)}</td><td><a class="button danger" href="${ctx.paths.revoke(consent.id)}">Revoke<span class="visually-hidden"> access of ${name}</span></a></td></tr>`,
    )
  }
  const table =
    rows.length === 0
      ? html`<p class="muted">You have not authorized any application.</p>`
      : html`<table><caption>Applications you have authorized</caption><thead><tr><th scope="col">Application</th><th scope="col">Scopes</th><th scope="col">Since</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>${rows}</tbody></table>`
  return managePage(ctx.paths, 'authorized_tokens', 'Authorized tokens', html`<h1>Authorized tokens</h1>${table}`)
}

/** GET `authorized_tokens/<id>/delete/`: DOT's AuthorizedTokenDelete confirmation. */
export async function confirmRevoke(ctx: ManageContext, consentId: string): Promise<Response> {
  const consent = await ownConsent(ctx, consentId)
  if (!consent) return notFound(ctx.paths)
  const name = await clientName(ctx, consent)
  const body = html`<h1>Revoke access of ${name}?</h1>
<p>Every token it holds from this authorization stops working at once. It will have to ask you again to get these permissions:</p>${scopeList(ctx, consent.scopes)}
<form method="post" action="${ctx.paths.revoke(consent.id)}">${csrfField(ctx.csrf)}
<div class="actions"><a class="button" href="${ctx.paths.authorizedTokens}">Cancel</a><button type="submit" class="danger">Revoke</button></div></form>`
  return managePage(ctx.paths, 'authorized_tokens', 'Revoke access', body)
}

/** POST `authorized_tokens/<id>/delete/`: revokes the consent, and with it its families; then 303. */
export async function revokeAuthorizedToken(ctx: ManageContext, consentId: string): Promise<Response> {
  const consent = await ownConsent(ctx, consentId)
  if (!consent) return notFound(ctx.paths)
  if (await ctx.provider.config.storage.revokeConsent(consent.id, ctx.provider.config.seconds())) {
    emit(ctx.provider, ctx.call, {
      type: 'token.revoked',
      by: 'consent',
      client_id: consent.client_id,
      sub: consent.sub,
      consent_id: consent.id,
    })
  }
  return redirect(ctx.paths.authorizedTokens)
}
