import type { Client, Family } from '@grantline/core'

/** A client as stored: `epoch` is new at each registration of the client_id, kept by updates. */
export interface StoredClient {
  client: Client
  epoch: string
}

/**
 * A family as stored, with the epoch of its client when it was made (null: no such client) and,
 * for a user's family, the epoch of its subject then (null or absent: never revoked before).
 */
export interface StoredFamily {
  family: Family
  client_epoch: string | null
  subject_epoch?: string | null
}

/**
 * A user whose grants were revoked: every family stamped with an older epoch is dead. Never
 * deleted, since a family stamped before the first revocation (null) would then come back.
 */
export interface StoredSubject {
  epoch: string
  revoked_at: number
}

/** The row kinds that expire or get revoked, and so are swept by cleanup(). */
export type SweptKind =
  | 'code'
  | 'interaction'
  | 'initial_access_token'
  | 'pushed_request'
  | 'access'
  | 'refresh'
  | 'family'
  | 'consent'
  | 'hits'
  | 'device'
  | 'remembered'

/** Every key Grantline writes, under one prefix so that a host app can share the database. */
export function kvKeys(prefix: Deno.KvKey) {
  const key = (...parts: Deno.KvKeyPart[]): Deno.KvKey => [...prefix, ...parts]
  return {
    client: (id: string) => key('client', id),
    clients: () => key('client'),
    /** Index of dynamic clients (RFC 7591) by creation time, for cleanup() of unused ones. */
    dynamicClient: (createdAt: number, id: string) => key('dynamic_client', createdAt, id),
    dynamicClientsBy: (cutoff: number) => ({ start: key('dynamic_client'), end: key('dynamic_client', Math.floor(cutoff) + 1) }),
    consent: (id: string) => key('consent', id),
    /** Index of consents by user and client; the consent row itself is the truth. */
    consentIndex: (sub: string, clientId: string, id: string) => key('consent_by_sub', sub, clientId, id),
    consentsOf: (sub: string, clientId?: string) =>
      clientId === undefined ? key('consent_by_sub', sub) : key('consent_by_sub', sub, clientId),
    /** Index of consents by client, so that deleting a client revokes them. */
    consentByClient: (clientId: string, id: string) => key('consent_by_client', clientId, id),
    consentsOfClient: (clientId: string) => key('consent_by_client', clientId),
    family: (id: string) => key('family', id),
    /** Index of families by client and creation time: whether a dynamic client is still in use. */
    familyByClient: (clientId: string, createdAt: number, id: string) => key('family_by_client', clientId, createdAt, id),
    familiesOfClient: (clientId: string) => key('family_by_client', clientId),
    /** The first key of a client's families created at or after `createdAt`. */
    familiesOfClientFrom: (clientId: string, createdAt: number) => key('family_by_client', clientId, createdAt),
    /** A user's revocation epoch (revokeSubject), compared with each family's stamp on every read. */
    subject: (sub: string) => key('subject', sub),
    code: (hash: string) => key('code', hash),
    interaction: (id: string) => key('interaction', id),
    initialAccessToken: (hash: string) => key('initial_access_token', hash),
    /** A pushed authorization request (RFC 9126) by the SHA-256 of its request_uri. */
    pushedRequest: (hash: string) => key('pushed_request', hash),
    access: (hash: string) => key('access', hash),
    refresh: (hash: string) => key('refresh', hash),
    /** A device authorization (RFC 8628) by device code hash, and the index from its user code hash. */
    device: (hash: string) => key('device', hash),
    deviceByUserCode: (userCodeHash: string) => key('device_by_user_code', userCodeHash),
    /** A single-use value seen by remember(); `id` names its kind and key (rememberedId). */
    remembered: (id: string) => key('remembered', id),
    /** A rate-limit key's counters. */
    hits: (name: string) => key('hits', name),
    signingKey: (kid: string) => key('signing_key', kid),
    signingKeys: () => key('signing_key'),
    /** Set with the first key and every later one: `ifNone` checks that it is still absent. */
    signingKeysExist: () => key('signing_keys_exist'),
    /** Index of rows by expiry, scanned by cleanup() up to `now`. */
    expiry: (expiresAt: number, kind: SweptKind, id: string) => key('expiry', expiresAt, kind, id),
    expiredBy: (now: number) => ({ start: key('expiry'), end: key('expiry', Math.floor(now) + 1) }),
    /** Marks a revoked row for cleanup(); validity reads the row's own `revoked_at`. */
    revoked: (kind: SweptKind, id: string) => key('revoked', kind, id),
    revokedRows: () => key('revoked'),
  }
}

export type KvKeys = ReturnType<typeof kvKeys>

/** Answered by an attempt whose atomic commit lost to a concurrent writer: read again and retry. */
export const CONFLICT = Symbol('conflict')

const MAX_ATTEMPTS = 100

/**
 * Deno KV on a local file shared by several processes reports SQLite's SQLITE_BUSY from
 * `commit()` as "database is locked". The write did not happen, and every commit of ours is
 * either check-guarded or idempotent, so it is retried like a conflict.
 */
function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked|database is busy/i.test(error.message)
}

/**
 * Runs a read-then-`atomic().check()` attempt until it commits or decides without writing. Each
 * conflict means another writer committed, so the loop makes progress; the bound only stops a
 * pathological livelock from spinning forever.
 */
export async function retrying<T>(attempt: () => Promise<T | typeof CONFLICT>): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    try {
      const result = await attempt()
      if (result !== CONFLICT) return result
    } catch (error) {
      if (!isBusy(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10 * Math.min(i + 1, 10)))
    }
  }
  throw new Error(`Deno KV: gave up after ${MAX_ATTEMPTS} conflicting attempts`)
}

/** Commits an unconditional (idempotent) operation, built afresh for each attempt. */
export function write(build: () => Deno.AtomicOperation): Promise<void> {
  return retrying(async () => ((await build().commit()).ok ? undefined : CONFLICT))
}

/** `kv.getMany` takes at most 10 keys at a time. */
export async function getAll<T>(kv: Deno.Kv, keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<T>[]> {
  const entries: Deno.KvEntryMaybe<T>[] = []
  for (let i = 0; i < keys.length; i += 10) entries.push(...(await kv.getMany<T[]>(keys.slice(i, i + 10))))
  return entries
}

/** The values of every entry under `prefix`. */
export async function listValues<T>(kv: Deno.Kv, prefix: Deno.KvKey): Promise<T[]> {
  const values: T[] = []
  for await (const entry of kv.list<T>({ prefix })) values.push(entry.value)
  return values
}

/** A random id for client and subject epochs. */
export function randomEpoch(): string {
  return crypto.randomUUID()
}
