import type { Client, Consent } from '../contracts/storage.js'
import type { ManageContext } from './manage-page.js'

/**
 * The user's own application, or null: another user's application is answered exactly like a
 * missing one, so its client_id cannot be probed (DOT filters its querysets by `user`).
 */
export async function ownApplication(ctx: ManageContext, clientId: string): Promise<Client | null> {
  const client = await ctx.clients.get(clientId)
  return client !== null && client.owner_sub === ctx.user.sub ? client : null
}

/** The user's own unrevoked consent, or null; looked up among the user's consents only. */
export async function ownConsent(ctx: ManageContext, consentId: string): Promise<Consent | null> {
  const consents = await ctx.provider.config.storage.listConsents(ctx.user.sub)
  return consents.find((consent) => consent.id === consentId && consent.sub === ctx.user.sub) ?? null
}
