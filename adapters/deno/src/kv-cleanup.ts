import type { Consent, Family, Storage } from '@grantline/core'
import { type KvKeys, type SweptKind, write } from './kv-keys.ts'
import { rowKey } from './kv-rows.ts'
import { removeUnusedDynamicClients } from './kv-unused-clients.ts'

interface Swept {
  expires_at?: number
  revoked_at?: number | null
  consumed_at?: number | null
}

/** The row fields that decide death, and name index entries; a family is stored inside its wrapper. */
function fieldsOf(kind: SweptKind, value: unknown): Swept & Partial<Consent> & Partial<Pick<Family, 'created_at'>> {
  return (kind === 'family' ? (value as { family: Swept }).family : value) as Swept & Partial<Consent>
}

/** The kinds that are never revoked: they go once expired, consumed ones included. */
const TOMBSTONES = new Set<SweptKind>(['code', 'interaction', 'initial_access_token', 'pushed_request', 'hits', 'device', 'remembered'])

/**
 * Consumed codes, interactions, initial access tokens and pushed requests stay until they expire
 * (tombstones), and so do used refresh tokens and remembered values; rate-limit counters go once
 * they no longer count.
 */
function isDead(kind: SweptKind, row: Swept, now: number): boolean {
  const expired = row.expires_at !== undefined && row.expires_at <= now
  if (TOMBSTONES.has(kind)) return expired
  return expired || (row.revoked_at !== undefined && row.revoked_at !== null)
}

const CHUNK = 10

/** The index entries naming candidate rows: revoked ones, then those expired by `now`. */
async function* candidates(kv: Deno.Kv, keys: KvKeys, now: number): AsyncGenerator<{ index: Deno.KvKey; kind: SweptKind; id: string }> {
  for await (const entry of kv.list({ prefix: keys.revokedRows() })) {
    const [kind, id] = entry.key.slice(-2) as [SweptKind, string]
    yield { index: entry.key, kind, id }
  }
  for await (const entry of kv.list(keys.expiredBy(now))) {
    const [kind, id] = entry.key.slice(-2) as [SweptKind, string]
    yield { index: entry.key, kind, id }
  }
}

/**
 * DOT's `cleartokens` over the expiry and revocation indexes: at most `limit` rows per call, each
 * chunk of rows deleted with its index entries in one atomic commit. Validity never depends on a
 * row being gone: every read checks expiry and revocation itself. With
 * `unusedDynamicClientSeconds`, unused dynamic clients go first (kv-unused-clients.ts).
 */
export function cleanupMethod(
  kv: Deno.Kv,
  keys: KvKeys,
  revokeClientConsents: (clientId: string, now: number) => Promise<void>,
): Storage['cleanup'] {
  return async (now, limit = 10_000, options) => {
    const idle = options?.unusedDynamicClientSeconds
    let removed = idle === undefined ? 0 : await removeUnusedDynamicClients(kv, keys, now, now - idle, limit, revokeClientConsents)
    const seen = new Set<string>()
    let chunk: { index: Deno.KvKey; kind: SweptKind; id: string }[] = []
    const flush = async () => {
      const rows = await kv.getMany(chunk.map((c) => rowKey(keys, c.kind, c.id)))
      const doomed: Deno.KvKey[] = []
      chunk.forEach((c, i) => {
        const value = rows[i]?.value
        if (value === null || value === undefined) {
          doomed.push(c.index) // an index entry whose row is already gone
          return
        }
        const row = fieldsOf(c.kind, value)
        if (removed >= limit || !isDead(c.kind, row, now)) return
        removed++
        doomed.push(rowKey(keys, c.kind, c.id), keys.revoked(c.kind, c.id))
        if (row.expires_at !== undefined) doomed.push(keys.expiry(row.expires_at, c.kind, c.id))
        if (c.kind === 'consent' && row.sub !== undefined && row.client_id !== undefined) {
          doomed.push(keys.consentIndex(row.sub, row.client_id, c.id), keys.consentByClient(row.client_id, c.id))
        }
        if (c.kind === 'device') doomed.push(keys.deviceByUserCode((value as { user_code_hash: string }).user_code_hash))
        if (c.kind === 'family' && row.client_id !== undefined && row.created_at !== undefined) {
          doomed.push(keys.familyByClient(row.client_id, row.created_at, c.id))
        }
      })
      await write(() => doomed.reduce((op, key) => op.delete(key), kv.atomic()))
      chunk = []
    }
    for await (const candidate of candidates(kv, keys, now)) {
      if (removed >= limit) break
      const name = `${candidate.kind}:${candidate.id}`
      if (seen.has(name)) continue
      seen.add(name)
      chunk.push(candidate)
      if (chunk.length === CHUNK) await flush()
    }
    if (chunk.length > 0 && removed < limit) await flush()
    return removed
  }
}
