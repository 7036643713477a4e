import type { Client } from '@grantline/core'
import { clientIndexes } from './kv-client-index.ts'
import { CONFLICT, type KvKeys, retrying, type StoredClient, type StoredFamily } from './kv-keys.ts'

/**
 * Whether a family of `clientId` shows it in use: one created after `cutoff` (one read, through
 * the by-client index ordered by creation time), or an older one still unrevoked and unexpired.
 */
async function inUse(kv: Deno.Kv, keys: KvKeys, clientId: string, cutoff: number, now: number): Promise<boolean> {
  const prefix = keys.familiesOfClient(clientId)
  for await (const _ of kv.list({ prefix, start: keys.familiesOfClientFrom(clientId, cutoff + 1) }, { limit: 1 })) return true
  for await (const entry of kv.list({ prefix, end: keys.familiesOfClientFrom(clientId, cutoff + 1) })) {
    const family = (await kv.get<StoredFamily>(keys.family(String(entry.key.at(-1))))).value?.family
    if (family && family.revoked_at === null && family.expires_at > now) return true
  }
  return false
}

/**
 * Deletes up to `limit` dynamic clients (RFC 7591) created by `cutoff` that no family shows in
 * use, each in a commit checked against the client read, then revokes their consents. Their
 * families die with the client's epoch and go when they expire. Answers how many went.
 */
export async function removeUnusedDynamicClients(
  kv: Deno.Kv,
  keys: KvKeys,
  now: number,
  cutoff: number,
  limit: number,
  revokeConsents: (clientId: string, now: number) => Promise<void>,
): Promise<number> {
  let removed = 0
  for await (const index of kv.list(keys.dynamicClientsBy(cutoff))) {
    if (removed >= limit) break
    const clientId = String(index.key.at(-1))
    if (await inUse(kv, keys, clientId, cutoff, now)) continue
    const gone = await retrying(async () => {
      const entry = await kv.get<StoredClient>(keys.client(clientId))
      const client: Client | undefined = entry.value?.client
      // An index entry whose client is gone or was replaced: only the entry goes.
      if (!client?.dynamic || client.created_at > cutoff) return (await kv.atomic().delete(index.key).commit()).ok ? false : CONFLICT
      const op = clientIndexes(kv.atomic().check(entry), keys, client, undefined).delete(entry.key)
      return (await op.commit()).ok ? true : CONFLICT
    })
    if (!gone) continue
    await revokeConsents(clientId, now)
    removed++
  }
  return removed
}
