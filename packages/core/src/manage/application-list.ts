import { escapeHtml } from '../pages/layout.js'
import { type ManageContext, managePage } from './manage-page.js'

/** GET `applications/`: DOT's ApplicationList, the user's own applications only. */
export async function listApplications(ctx: ManageContext): Promise<Response> {
  const { paths } = ctx
  const clients = await ctx.clients.list({ owner_sub: ctx.user.sub })
  const rows = clients
    .map(
      (client) =>
        `<tr><td><a href="${escapeHtml(paths.application(client.client_id))}">${escapeHtml(client.client_name)}</a></td><td><code>${escapeHtml(client.client_id)}</code></td><td>${client.client_type === 'public' ? 'Public' : 'Confidential'}</td></tr>`,
    )
    .join('')
  const table =
    clients.length === 0
      ? '<p class="muted">You have not registered any applications yet.</p>'
      : `<table><caption>Your applications</caption><thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Type</th></tr></thead><tbody>${rows}</tbody></table>`
  const body = `<h1>Applications</h1>${table}<div class="actions"><a class="button primary" href="${escapeHtml(paths.register)}">New application</a></div>`
  return managePage(paths, 'applications', 'Applications', body)
}
