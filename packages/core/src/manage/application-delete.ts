import { html } from '../html/html.js'
import { redirect } from '../http/responses.js'
import { csrfField, type ManageContext, managePage, notFound } from './manage-page.js'
import { ownApplication } from './ownership.js'

/** GET `applications/<client_id>/delete/`: DOT's ApplicationDelete confirmation. */
export async function confirmDelete(ctx: ManageContext, clientId: string): Promise<Response> {
  const client = await ownApplication(ctx, clientId)
  if (!client) return notFound(ctx.paths)
  const { paths } = ctx
  const body = html`<h1>Delete ${client.client_name}?</h1>
<p>The client <code>${client.client_id}</code> stops working at once and every token issued to it is revoked. This cannot be undone.</p>
<form method="post" action="${paths.delete(client.client_id)}">${csrfField(ctx.csrf)}
<div class="actions"><a class="button" href="${paths.application(client.client_id)}">Cancel</a><button type="submit" class="danger">Delete application</button></div></form>`
  return managePage(paths, 'applications', `Delete ${client.client_name}`, body)
}

/** POST `applications/<client_id>/delete/`: removes the client (its families are revoked), then 303. */
export async function deleteApplication(ctx: ManageContext, clientId: string): Promise<Response> {
  const client = await ownApplication(ctx, clientId)
  if (!client) return notFound(ctx.paths)
  await ctx.clients.delete(client.client_id)
  return redirect(ctx.paths.applications)
}
