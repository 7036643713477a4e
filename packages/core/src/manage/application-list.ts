import { html } from '../html/html.js'
import { type ManageContext, managePage } from './manage-page.js'

/** GET `applications/`: DOT's ApplicationList, the user's own applications only. */
export async function listApplications(ctx: ManageContext): Promise<Response> {
  const { paths } = ctx
  const clients = await ctx.clients.list({ owner_sub: ctx.user.sub })
  const rows = clients.map(
    (client) =>
      html`<tr><td><a href="${paths.application(client.client_id)}">${client.client_name}</a></td><td><code>${client.client_id}</code></td><td>${client.client_type === 'public' ? 'Public' : 'Confidential'}</td></tr>`,
  )
  const table =
    clients.length === 0
      ? html`<p class="muted">You have not registered any applications yet.</p>`
      : html`<table><caption>Your applications</caption><thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Type</th></tr></thead><tbody>${rows}</tbody></table>`
  const body = html`<h1>Applications</h1>${table}<div class="actions"><a class="button primary" href="${paths.register}">New application</a></div>`
  return managePage(paths, 'applications', 'Applications', body)
}
