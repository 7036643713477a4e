import type {
  AccessTokenRecord,
  Client,
  Consent,
  Consumables,
  ConsumeResult,
  Family,
  HitCounts,
  RefreshTokenRecord,
  RotateResult,
  SigningKeyRecord,
  Storage,
  TokenWithFamily,
} from '@grantline/core'
import { cleanup } from './cleanup.js'
import { hashOf, type RedisConnection, scriptRunner } from './connection.js'
import { deviceAuthorizationMethods } from './device-authorizations.js'
import { redisKeys } from './keys.js'
import { CONSUME } from './lua/consume.js'
import { COUNT_HITS, HIT } from './lua/hits.js'
import { FIND_TOKEN, GET_FAMILY } from './lua/reads.js'
import { REMEMBER } from './lua/remember.js'
import { ROTATE_REFRESH } from './lua/rotate.js'
import { ADD_SIGNING_KEY, DELETE_CLIENT, PUT_CLIENT, REVOKE_ROW, REVOKE_SUBJECT, WRITE_ROWS } from './lua/writes.js'
import { accessRow, consentRow, consumableRow, familyRow, type RowWrite, recordOf, refreshRow, TTL_MARGIN_SECONDS } from './rows.js'

export interface RedisStorageOptions {
  /** Prepended to every key, so that other applications can share the Redis; default `grantline:`. */
  prefix?: string
}

const hitCounts = (reply: unknown): HitCounts => {
  const [current = 0, previous = 0] = (reply as number[]).map(Number)
  return { current, previous }
}

/**
 * A Grantline Storage on one Redis primary. Every operation that checks and then writes is one
 * Lua script, which Redis runs alone: `consume`, `remember`, `rotateRefresh`, the first signing
 * key, rate-limit hits, revocations and every multi-row write. Reads that check validity (a token,
 * its family, client, user and consent) are scripts too, so they see one consistent state. A
 * token is valid only while it, its family and its family's consent are unrevoked and
 * unexpired, its client is the registration the family was made under, and its user's grants
 * were not revoked since. Expiry is enforced on read; `cleanup()` removes dead rows through two
 * indexes, and Redis drops token and single-use rows by itself an hour after they expire.
 */
export function redisStorage(redis: RedisConnection, options: RedisStorageOptions = {}): Storage {
  const prefix = options.prefix ?? 'grantline:'
  const keys = redisKeys(prefix)
  const run = scriptRunner(redis, prefix)
  const write = (rows: RowWrite[]) => run(WRITE_ROWS, JSON.stringify(rows)).then(() => undefined)
  const hash = async (key: string) => hashOf(await redis.sendCommand(['HGETALL', key]))
  const getClient = async (clientId: string): Promise<Client | null> => {
    const json = (await redis.sendCommand(['HGET', keys.row('client', clientId), 'json'])) as string | null
    return json === null ? null : (JSON.parse(json) as Client)
  }
  const members = async (key: string) => Array.from((await redis.sendCommand(['SMEMBERS', key])) as Iterable<string>)

  /** The unrevoked consents of `sub` (for one client, when given), oldest first. */
  const liveConsents = async (sub: string, clientId?: string): Promise<Consent[]> => {
    const ids = await members(keys.row('consents_of', sub))
    const rows = await Promise.all(ids.map((id) => hash(keys.row('consent', id))))
    return rows
      .filter((fields) => fields.json !== undefined)
      .map((fields) => recordOf<Consent>('consent', fields))
      .filter((c) => c.sub === sub && (clientId === undefined || c.client_id === clientId) && c.revoked_at === null)
      .sort((a, b) => a.created_at - b.created_at)
  }

  const findToken = async <T extends AccessTokenRecord | RefreshTokenRecord>(
    kind: 'access' | 'refresh',
    tokenHash: string,
    now: number,
  ): Promise<TokenWithFamily<T> | null> => {
    const reply = (await run(FIND_TOKEN, kind, tokenHash, now)) as [string[], string[]] | null
    if (!reply) return null
    return { token: recordOf<T>(kind, hashOf(reply[0])), family: recordOf<Family>('family', hashOf(reply[1])) }
  }

  /** A consumable that is unexpired and unconsumed at `now`, read without taking it. */
  const pending = async <K extends keyof Consumables>(kind: K, id: string, now: number): Promise<Consumables[K] | null> => {
    const fields = await hash(keys.row(kind, id))
    if (fields.json === undefined) return null
    const record = recordOf<Consumables[K]>(kind, fields)
    return record.expires_at > now && record.consumed_at === null ? record : null
  }

  return {
    capabilities: { atomicConsume: true },

    getClient,
    async putClient(client) {
      const dynamic = client.dynamic ? '1' : '0'
      await run(PUT_CLIENT, client.client_id, JSON.stringify(client), crypto.randomUUID(), dynamic, client.created_at)
    },
    async deleteClient(clientId, now) {
      await run(DELETE_CLIENT, clientId, now)
    },
    async listClients(filter) {
      const ids = await members(keys.index('clients'))
      const clients = await Promise.all(ids.map(getClient))
      return clients
        .filter((c): c is Client => c !== null && (filter?.owner_sub === undefined || c.owner_sub === filter.owner_sub))
        .sort((a, b) => a.created_at - b.created_at || a.client_id.localeCompare(b.client_id))
    },

    async findConsent(sub, clientId) {
      return (await liveConsents(sub, clientId)).at(-1) ?? null
    },
    putConsent: (consent) => write([consentRow(consent)]),
    listConsents: (sub) => liveConsents(sub),
    async revokeConsent(id, now) {
      return Number(await run(REVOKE_ROW, 'consent', id, now)) === 1
    },
    async revokeSubject(sub, now) {
      await run(REVOKE_SUBJECT, sub, now, crypto.randomUUID())
    },

    createInteraction: (interaction) => write([consumableRow('interaction', interaction.id, interaction)]),
    getInteraction: (id, now) => pending('interaction', id, now),
    createInitialAccessToken: (token) => write([consumableRow('initial_access_token', token.hash, token)]),
    getInitialAccessToken: (tokenHash, now) => pending('initial_access_token', tokenHash, now),
    createPushedRequest: (request) => write([consumableRow('pushed_request', request.hash, request)]),
    createCode: (code, family) => write([familyRow(family), consumableRow('code', code.hash, code)]),

    async consume<K extends keyof Consumables>(kind: K, key: string, now: number): Promise<ConsumeResult<Consumables[K]>> {
      const [status, fields] = (await run(CONSUME, kind, key, now)) as ['ok' | 'reused' | 'absent', string[]?]
      if (status === 'absent' || !fields) return { status: 'absent' }
      return { status, record: recordOf<Consumables[K]>(kind, hashOf(fields)) }
    },

    async getFamily(id, now) {
      const reply = await run(GET_FAMILY, id, now)
      return reply ? recordOf<Family>('family', hashOf(reply)) : null
    },
    createFamily: (family) => write([familyRow(family)]),
    async revokeFamily(id, now) {
      await run(REVOKE_ROW, 'family', id, now)
    },

    issueTokens: ({ family, access, refresh }) =>
      write([...(family ? [familyRow(family)] : []), accessRow(access), ...(refresh ? [refreshRow(refresh)] : [])]),
    findAccessToken: (tokenHash, now) => findToken<AccessTokenRecord>('access', tokenHash, now),
    findRefreshToken: (tokenHash, now) => findToken<RefreshTokenRecord>('refresh', tokenHash, now),
    async revokeAccessToken(tokenHash, now) {
      await run(REVOKE_ROW, 'access', tokenHash, now)
    },
    async rotateRefresh(oldHash, next, now, graceSeconds): Promise<RotateResult> {
      const rows = JSON.stringify([refreshRow(next.refresh), accessRow(next.access)])
      const [status, familyId] = (await run(ROTATE_REFRESH, oldHash, now, graceSeconds, next.refresh.hash, rows)) as string[]
      if (status === 'ok') return { status: 'ok' }
      return status === 'reused' && familyId !== undefined ? { status: 'reused', family_id: familyId } : { status: 'absent' }
    },

    async listSigningKeys() {
      const values = (await redis.sendCommand(['HVALS', keys.index('signing_keys')])) as string[]
      return values
        .map((json) => JSON.parse(json) as SigningKeyRecord)
        .sort((a, b) => a.activate_at - b.activate_at || a.created_at - b.created_at)
    },
    async addSigningKey(key, addOptions) {
      return Number(await run(ADD_SIGNING_KEY, key.kid, JSON.stringify(key), addOptions?.ifNone ? '1' : '0')) === 1
    },

    ...deviceAuthorizationMethods(redis, run, prefix),
    async remember(kind, key, expiresAt, now) {
      // One member of the expiry index per pair: `a:b` + `c` and `a` + `b:c` never meet.
      const id = JSON.stringify([kind, key])
      return Number(await run(REMEMBER, id, expiresAt, now, TTL_MARGIN_SECONDS)) === 1
    },
    async hit(key, now, windowSeconds) {
      return hitCounts(await run(HIT, key, now, windowSeconds, TTL_MARGIN_SECONDS))
    },
    async countHits(key, now, windowSeconds) {
      return hitCounts(await run(COUNT_HITS, key, now, windowSeconds))
    },

    cleanup: (now, limit, cleanupOptions) => cleanup(run, now, limit, cleanupOptions),
  }
}
