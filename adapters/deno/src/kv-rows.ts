import type { AccessTokenRecord, Consent, Family, IssuedTokens, RefreshTokenRecord } from '@grantline/core'
import type { KvKeys, StoredClient, StoredFamily, StoredSubject, SweptKind } from './kv-keys.ts'

/** The key of the row of `kind` named `id`. */
export function rowKey(keys: KvKeys, kind: SweptKind, id: string): Deno.KvKey {
  switch (kind) {
    case 'code':
      return keys.code(id)
    case 'interaction':
      return keys.interaction(id)
    case 'initial_access_token':
      return keys.initialAccessToken(id)
    case 'pushed_request':
      return keys.pushedRequest(id)
    case 'access':
      return keys.access(id)
    case 'refresh':
      return keys.refresh(id)
    case 'family':
      return keys.family(id)
    case 'consent':
      return keys.consent(id)
    case 'device':
      return keys.device(id)
    case 'hits':
      return keys.hits(id)
    case 'remembered':
      return keys.remembered(id)
  }
}

/** Adds to `op` the row and the index entries cleanup() finds it by (expiry, revocation). */
export function setRow(
  op: Deno.AtomicOperation,
  keys: KvKeys,
  kind: SweptKind,
  id: string,
  value: unknown,
  row: { expires_at?: number; revoked_at?: number | null },
): Deno.AtomicOperation {
  op.set(rowKey(keys, kind, id), value)
  if (row.expires_at !== undefined) op.set(keys.expiry(row.expires_at, kind, id), true)
  if (row.revoked_at !== undefined && row.revoked_at !== null) op.set(keys.revoked(kind, id), true)
  return op
}

export function setFamily(op: Deno.AtomicOperation, keys: KvKeys, stored: StoredFamily): Deno.AtomicOperation {
  const { family } = stored
  op.set(keys.familyByClient(family.client_id, family.created_at, family.id), true)
  return setRow(op, keys, 'family', family.id, stored, family)
}

/** Adds the tokens (and the family, when given) to `op`. */
export function setTokens(op: Deno.AtomicOperation, keys: KvKeys, tokens: IssuedTokens, family?: StoredFamily): Deno.AtomicOperation {
  if (family) setFamily(op, keys, family)
  setRow(op, keys, 'access', tokens.access.hash, tokens.access, tokens.access)
  if (tokens.refresh) setRow(op, keys, 'refresh', tokens.refresh.hash, tokens.refresh, tokens.refresh)
  return op
}

/** A family, token or consent valid at `now`, with the checks that keep it so until a commit. */
export interface Live<T> {
  value: T
  family: Family
  checks: Deno.AtomicCheck[]
}

const checkOf = (entry: Deno.KvEntryMaybe<unknown>): Deno.AtomicCheck => ({ key: entry.key, versionstamp: entry.versionstamp })

/**
 * The family `id` when it is live at `now`: unrevoked, unexpired, its client registered in the
 * same epoch as when the family was made, its user's grants not revoked since (same subject
 * epoch), and its consent (if any) present and unrevoked. The checks pin all of those rows, so a
 * write conditioned on them cannot act on a stale read.
 */
export async function liveFamily(kv: Deno.Kv, keys: KvKeys, id: string, now: number): Promise<Live<Family> | null> {
  const entry = await kv.get<StoredFamily>(keys.family(id))
  const stored = entry.value
  if (!stored || stored.family.revoked_at !== null || stored.family.expires_at <= now) return null
  const { family } = stored
  const related = [
    keys.client(family.client_id),
    ...(family.sub === null ? [] : [keys.subject(family.sub)]),
    ...(family.consent_id === null ? [] : [keys.consent(family.consent_id)]),
  ]
  const entries: Deno.KvEntryMaybe<unknown>[] = await kv.getMany(related)
  const client = entries[0] as Deno.KvEntryMaybe<StoredClient>
  let next = 1
  const subject = family.sub === null ? undefined : (entries[next++] as Deno.KvEntryMaybe<StoredSubject>)
  const consent = family.consent_id === null ? undefined : (entries[next++] as Deno.KvEntryMaybe<Consent>)
  if (!client.value || client.value.epoch !== stored.client_epoch) return null
  if (subject && (subject.value?.epoch ?? null) !== (stored.subject_epoch ?? null)) return null
  if (consent && (!consent.value || consent.value.revoked_at !== null)) return null
  const checks = [entry, client, ...(subject ? [subject] : []), ...(consent ? [consent] : [])]
  return { value: family, family, checks: checks.map(checkOf) }
}

/** The token of `entry` when it is unrevoked and unexpired at `now` and its family is live. */
export async function liveToken<T extends AccessTokenRecord | RefreshTokenRecord>(
  kv: Deno.Kv,
  keys: KvKeys,
  entry: Deno.KvEntryMaybe<T>,
  now: number,
): Promise<Live<T> | null> {
  const token = entry.value
  if (!token || token.revoked_at !== null || token.expires_at <= now) return null
  const chain = await liveFamily(kv, keys, token.family_id, now)
  return chain && { value: token, family: chain.family, checks: [checkOf(entry), ...chain.checks] }
}

/**
 * The family record as stored, stamped with its client's current epoch (null when unregistered)
 * and its user's (null when never revoked). A revocation that commits after this read leaves the
 * family stamped with the older epoch, so dead: a race errs on the side of revoking.
 */
export async function stampFamily(kv: Deno.Kv, keys: KvKeys, family: Family): Promise<StoredFamily> {
  if (family.sub === null) {
    const client = await kv.get<StoredClient>(keys.client(family.client_id))
    return { family, client_epoch: client.value?.epoch ?? null }
  }
  const [client, subject] = (await kv.getMany([keys.client(family.client_id), keys.subject(family.sub)])) as [
    Deno.KvEntryMaybe<StoredClient>,
    Deno.KvEntryMaybe<StoredSubject>,
  ]
  return { family, client_epoch: client.value?.epoch ?? null, subject_epoch: subject.value?.epoch ?? null }
}
