import type { AccessTokenRecord, Consent, Consumables, ConsumeResult, RefreshTokenRecord, SigningKeyRecord, Storage } from '@grantline/core'
import { cleanupMethod } from './kv-cleanup.ts'
import { clientIndexes, consentsOfClient } from './kv-client-index.ts'
import { deviceAuthorizationMethods } from './kv-device-authorizations.ts'
import {
  CONFLICT,
  getAll,
  type KvKeys,
  kvKeys,
  listValues,
  randomEpoch,
  retrying,
  type StoredClient,
  type StoredFamily,
  type StoredSubject,
  type SweptKind,
  write,
} from './kv-keys.ts'
import { rateLimitMethods } from './kv-rate-limits.ts'
import { rememberMethod } from './kv-remembered.ts'
import { rotateRefreshMethod } from './kv-rotate.ts'
import { liveFamily, liveToken, rowKey, setFamily, setRow, setTokens, stampFamily } from './kv-rows.ts'

export interface DenoKvStorageOptions {
  /** Where Grantline's keys live, so that the host app can share the database; default `['grantline']`. */
  prefix?: Deno.KvKey
}

/** The table of each kind of single-use record: a new kind cannot land in another's. */
const CONSUMABLE_KINDS: { [K in keyof Consumables]: SweptKind } = {
  code: 'code',
  interaction: 'interaction',
  initial_access_token: 'initial_access_token',
  pushed_request: 'pushed_request',
}

/**
 * Sets `revoked_at` on an unrevoked row, checked unchanged since read, with its cleanup marker;
 * false when the row is absent or already revoked.
 */
function revoker(kv: Deno.Kv, keys: KvKeys) {
  return <V>(kind: SweptKind, id: string, fields: (value: V) => { revoked_at: number | null }, revoke: (value: V) => V) =>
    retrying(async () => {
      const entry = await kv.get<V>(rowKey(keys, kind, id))
      if (entry.value === null || fields(entry.value).revoked_at !== null) return false
      const op = kv.atomic().check(entry).set(entry.key, revoke(entry.value)).set(keys.revoked(kind, id), true)
      return (await op.commit()).ok ? true : CONFLICT
    })
}

/** The consents of `sub` (for one client, when given) that are still unrevoked, oldest first. */
async function liveConsents(kv: Deno.Kv, keys: KvKeys, sub: string, clientId?: string): Promise<Consent[]> {
  const ids: Deno.KvKey[] = []
  for await (const entry of kv.list({ prefix: keys.consentsOf(sub, clientId) })) ids.push(keys.consent(String(entry.key.at(-1))))
  return (await getAll<Consent>(kv, ids))
    .map((entry) => entry.value)
    .filter(
      (c): c is Consent => c !== null && c.sub === sub && (clientId === undefined || c.client_id === clientId) && c.revoked_at === null,
    )
    .sort((a, b) => a.created_at - b.created_at)
}

/**
 * A Storage on Deno KV. Every single-use step is one `kv.atomic()` commit guarded by `check()` on
 * the versionstamps it read: `consume` (codes, consent decisions, pushed requests), `remember`
 * (single-use values), `rotateRefresh` (old token, family, client, user, consent, successor) and
 * the first signing key (`ifNone`). A commit that
 * loses to a concurrent writer is retried from a fresh read, so each of these succeeds once
 * across every isolate and process sharing the database. A token is valid only while it, its
 * family, its client (same registration), its user (same revocation epoch) and its consent are
 * live; TTL is checked on every read, and `cleanup()` deletes expired and revoked rows through
 * indexes, in chunks (a family ended by its client's or user's epoch goes when it expires).
 */
export function denoKvStorage(kv: Deno.Kv, options: DenoKvStorageOptions = {}): Storage {
  const keys = kvKeys(options.prefix ?? ['grantline'])
  const revoke = revoker(kv, keys)
  const revokeConsent = (id: string, now: number) =>
    revoke<Consent>(
      'consent',
      id,
      (c) => c,
      (c) => ({ ...c, revoked_at: now }),
    )
  /** A deleted client's consents are revoked, so that none is reused or listed (RFC 7592 §2.3). */
  const revokeClientConsents = async (clientId: string, now: number) => {
    for (const id of await consentsOfClient(kv, keys, clientId)) await revokeConsent(id, now)
  }

  return {
    capabilities: { atomicConsume: true },

    async getClient(clientId) {
      return (await kv.get<StoredClient>(keys.client(clientId))).value?.client ?? null
    },
    putClient(client) {
      // An update keeps the registration's epoch; a new registration of a client_id gets a new one.
      return retrying(async () => {
        const entry = await kv.get<StoredClient>(keys.client(client.client_id))
        const stored: StoredClient = { client, epoch: entry.value?.epoch ?? randomEpoch() }
        const op = clientIndexes(kv.atomic().check(entry), keys, entry.value?.client, client)
        return (await op.set(entry.key, stored).commit()).ok ? undefined : CONFLICT
      })
    },
    async deleteClient(clientId, now) {
      // Its families die with its epoch: a client_id registered again gets a new one.
      await retrying(async () => {
        const entry = await kv.get<StoredClient>(keys.client(clientId))
        const op = clientIndexes(kv.atomic().check(entry), keys, entry.value?.client, undefined)
        return (await op.delete(entry.key).commit()).ok ? undefined : CONFLICT
      })
      await revokeClientConsents(clientId, now)
    },
    async listClients(filter) {
      return (await listValues<StoredClient>(kv, keys.clients()))
        .map((stored) => stored.client)
        .filter((c) => filter?.owner_sub === undefined || c.owner_sub === filter.owner_sub)
        .sort((a, b) => a.created_at - b.created_at || a.client_id.localeCompare(b.client_id))
    },

    async findConsent(sub, clientId) {
      return (await liveConsents(kv, keys, sub, clientId)).at(-1) ?? null
    },
    async putConsent(consent) {
      await write(() =>
        setRow(kv.atomic(), keys, 'consent', consent.id, consent, consent)
          .set(keys.consentIndex(consent.sub, consent.client_id, consent.id), true)
          .set(keys.consentByClient(consent.client_id, consent.id), true),
      )
    },
    listConsents(sub) {
      return liveConsents(kv, keys, sub)
    },
    revokeConsent,
    async revokeSubject(sub, now) {
      // One commit ends every family of `sub`: each read compares the family's stamp with this epoch.
      const subject: StoredSubject = { epoch: randomEpoch(), revoked_at: now }
      await write(() => kv.atomic().set(keys.subject(sub), subject))
      // Then each consent gets its revoked_at (idempotent: a retry after a failure finishes the job).
      for (const consent of await liveConsents(kv, keys, sub)) await revokeConsent(consent.id, now)
    },

    async createInteraction(interaction) {
      await write(() => setRow(kv.atomic(), keys, 'interaction', interaction.id, interaction, interaction))
    },
    async getInteraction(id, now) {
      const interaction = (await kv.get<Consumables['interaction']>(keys.interaction(id))).value
      return interaction && interaction.expires_at > now && interaction.consumed_at === null ? interaction : null
    },
    async createInitialAccessToken(token) {
      await write(() => setRow(kv.atomic(), keys, 'initial_access_token', token.hash, token, token))
    },
    async getInitialAccessToken(hash, now) {
      const token = (await kv.get<Consumables['initial_access_token']>(keys.initialAccessToken(hash))).value
      return token && token.expires_at > now && token.consumed_at === null ? token : null
    },
    async createPushedRequest(request) {
      await write(() => setRow(kv.atomic(), keys, 'pushed_request', request.hash, request, request))
    },
    async createCode(code, family) {
      const stored = await stampFamily(kv, keys, family)
      await write(() => setRow(setFamily(kv.atomic(), keys, stored), keys, 'code', code.hash, code, code))
    },

    /**
     * Reads the record, then commits `consumed_at` only if its versionstamp is unchanged: of
     * concurrent callers one commits; the others retry, find the tombstone and answer reused.
     */
    consume<K extends keyof Consumables>(kind: K, key: string, now: number): Promise<ConsumeResult<Consumables[K]>> {
      return retrying(async () => {
        const entry = await kv.get<Consumables[K]>(rowKey(keys, CONSUMABLE_KINDS[kind], key))
        const record = entry.value
        if (!record || record.expires_at <= now) return { status: 'absent' }
        if (record.consumed_at !== null) return { status: 'reused', record }
        const taken = { ...record, consumed_at: now }
        return (await kv.atomic().check(entry).set(entry.key, taken).commit()).ok ? { status: 'ok', record: taken } : CONFLICT
      })
    },

    async getFamily(id, now) {
      return (await liveFamily(kv, keys, id, now))?.value ?? null
    },
    async createFamily(family) {
      const stored = await stampFamily(kv, keys, family)
      await write(() => setFamily(kv.atomic(), keys, stored))
    },
    async revokeFamily(id, now) {
      await revoke<StoredFamily>(
        'family',
        id,
        (s) => s.family,
        (s) => ({ ...s, family: { ...s.family, revoked_at: now } }),
      )
    },

    async issueTokens(tokens) {
      const family = tokens.family ? await stampFamily(kv, keys, tokens.family) : undefined
      await write(() => setTokens(kv.atomic(), keys, tokens, family))
    },
    async findAccessToken(hash, now) {
      const live = await liveToken(kv, keys, await kv.get<AccessTokenRecord>(keys.access(hash)), now)
      return live && { token: live.value, family: live.family }
    },
    async findRefreshToken(hash, now) {
      const live = await liveToken(kv, keys, await kv.get<RefreshTokenRecord>(keys.refresh(hash)), now)
      return live && { token: live.value, family: live.family }
    },
    async revokeAccessToken(hash, now) {
      await revoke<AccessTokenRecord>(
        'access',
        hash,
        (t) => t,
        (t) => ({ ...t, revoked_at: now }),
      )
    },
    rotateRefresh: rotateRefreshMethod(kv, keys),

    async listSigningKeys() {
      return (await listValues<SigningKeyRecord>(kv, keys.signingKeys())).sort(
        (a, b) => a.activate_at - b.activate_at || a.created_at - b.created_at,
      )
    },
    /** Insert-if-absent on the kid; with `ifNone`, also on the marker that the first key sets. */
    addSigningKey(key, addOptions) {
      // A lost check is an answer here (the kid or a first key exists), never a reason to retry.
      return retrying(async () => {
        const op = kv.atomic().check({ key: keys.signingKey(key.kid), versionstamp: null })
        if (addOptions?.ifNone) op.check({ key: keys.signingKeysExist(), versionstamp: null })
        return (await op.set(keys.signingKey(key.kid), key).set(keys.signingKeysExist(), true).commit()).ok
      })
    },

    ...rateLimitMethods(kv, keys),
    ...rememberMethod(kv, keys),
    ...deviceAuthorizationMethods(kv, keys),

    cleanup: cleanupMethod(kv, keys, revokeClientConsents),
  }
}
