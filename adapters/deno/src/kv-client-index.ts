import type { Client } from '@grantline/core'
import type { KvKeys } from './kv-keys.ts'

/**
 * Adds to `op` the index changes of a client going from `before` to `after` (undefined: absent):
 * a dynamic client (RFC 7591) is listed by creation time, so that cleanup() can find the unused.
 */
export function clientIndexes(
  op: Deno.AtomicOperation,
  keys: KvKeys,
  before: Client | undefined,
  after: Client | undefined,
): Deno.AtomicOperation {
  if (before?.dynamic) op.delete(keys.dynamicClient(before.created_at, before.client_id))
  if (after?.dynamic) op.set(keys.dynamicClient(after.created_at, after.client_id), true)
  return op
}

/** The ids of every consent given to `clientId`, revoked or not, through the by-client index. */
export async function consentsOfClient(kv: Deno.Kv, keys: KvKeys, clientId: string): Promise<string[]> {
  const ids: string[] = []
  for await (const entry of kv.list({ prefix: keys.consentsOfClient(clientId) })) ids.push(String(entry.key.at(-1)))
  return ids
}
