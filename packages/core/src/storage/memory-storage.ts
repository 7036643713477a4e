import type {
  Client,
  Consent,
  Consumables,
  ConsumeResult,
  DeviceAuthorization,
  Family,
  InitialAccessToken,
  Interaction,
  IssuedTokens,
  PushedRequest,
  RotateResult,
  SigningKeyRecord,
  Storage,
} from '../contracts/storage.js'
import { memoryCounters } from './memory-counters.js'
import { memoryDeviceAuthorizations } from './memory-device-authorizations.js'
import { expiryIndex } from './memory-expiry.js'
import {
  accessRecord,
  arrayInterner,
  copy,
  familyRecord,
  flat,
  hashKey,
  refreshRecord,
  type StoredAccess,
  type StoredFamily,
  type StoredRefresh,
  storedAccess,
  storedFamily,
  storedRefresh,
} from './memory-records.js'

/**
 * An in-process Storage. Each operation runs without awaiting in between, so it is atomic within
 * one JavaScript realm: fit for tests, development and single-process servers.
 */
export function memoryStorage(): Storage {
  const clients = new Map<string, Client>()
  const consents = new Map<string, Consent>()
  const families = new Map<string, StoredFamily>()
  const interactions = new Map<string, Interaction>()
  const codes = new Map<string, Consumables['code']>()
  const initialAccessTokens = new Map<string, InitialAccessToken>()
  const pushedRequests = new Map<string, PushedRequest>()
  // Every kind of single-use record has its own table: a new kind cannot land in another's.
  const consumables: { [K in keyof Consumables]: Map<string, Consumables[K]> } = {
    code: codes,
    interaction: interactions,
    initial_access_token: initialAccessTokens,
    pushed_request: pushedRequests,
  }
  // Families and tokens, one per grant or token, are held compactly (memory-records.ts); tokens by hashKey().
  const access = new Map<string, StoredAccess>()
  const refresh = new Map<string, StoredRefresh>()
  const intern = arrayInterner()
  const keys = new Map<string, SigningKeyRecord>()
  const devices = new Map<string, DeviceAuthorization>()
  const counters = memoryCounters()
  // The tables that grow with traffic are swept through their expiry index, never walked whole.
  const accessExpiry = expiryIndex()
  const refreshExpiry = expiryIndex()
  const familyExpiry = expiryIndex()

  const liveFamily = (id: string, now: number): StoredFamily | null => {
    const family = families.get(id)
    if (!family || family.revoked_at !== null || family.expires_at <= now) return null
    if (!clients.has(family.client_id)) return null
    const consentId = family.user?.consent_id ?? null
    if (consentId !== null && consents.get(consentId)?.revoked_at !== null) return null
    return family
  }

  /** The family of a token that is itself unrevoked and unexpired, when that family is live. */
  const liveTokenFamily = (token: StoredAccess | StoredRefresh | undefined, now: number): StoredFamily | null =>
    token && token.revoked_at === null && token.expires_at > now ? liveFamily(token.family_id, now) : null

  const putFamily = (family: Family) => {
    const stored = storedFamily(family, intern)
    families.set(stored.id, stored)
    // A family written again is filed again; the entry of its earlier expiry is dropped when it comes up.
    familyExpiry.add(stored.id, stored.expires_at, stored.revoked_at !== null)
  }

  const revokeFamily = (family: StoredFamily, now: number) => {
    family.revoked_at = now
    familyExpiry.revoked(family.id)
  }

  const revokeFamiliesWhere = (match: (family: StoredFamily) => boolean, now: number) => {
    for (const family of families.values()) {
      if (family.revoked_at === null && match(family)) revokeFamily(family, now)
    }
  }

  const revokeAccess = (key: string, now: number) => {
    const token = access.get(key)
    if (token && token.revoked_at === null) {
      token.revoked_at = now
      accessExpiry.revoked(key)
    }
  }

  const revokeClientGrants = (clientId: string, now: number) => {
    for (const consent of consents.values()) {
      if (consent.client_id === clientId && consent.revoked_at === null) consent.revoked_at = now
    }
    revokeFamiliesWhere((family) => family.client_id === clientId, now)
  }

  /** A dynamic client created by `cutoff` that no family created since, nor any live one, shows in use. */
  const unusedDynamicClients = (now: number, cutoff: number): string[] => {
    const used = new Set<string>()
    for (const f of families.values()) {
      if (f.created_at > cutoff || (f.revoked_at === null && f.expires_at > now)) used.add(f.client_id)
    }
    return [...clients.values()].filter((c) => c.dynamic && c.created_at <= cutoff && !used.has(c.client_id)).map((c) => c.client_id)
  }

  const issue = ({ family, access: at, refresh: rt }: IssuedTokens) => {
    if (family) putFamily(family)
    const accessKey = hashKey(at.hash)
    const stored = storedAccess(at, intern)
    access.set(accessKey, stored)
    accessExpiry.add(accessKey, stored.expires_at, stored.revoked_at !== null)
    if (rt) {
      const refreshKey = hashKey(rt.hash)
      const storedRt = storedRefresh(rt, intern)
      refresh.set(refreshKey, storedRt)
      refreshExpiry.add(refreshKey, storedRt.expires_at, storedRt.revoked_at !== null)
    }
  }

  return {
    capabilities: { atomicConsume: true },

    async getClient(clientId) {
      const client = clients.get(clientId)
      return client ? copy(client) : null
    },
    async putClient(client) {
      clients.set(client.client_id, copy(client))
    },
    async deleteClient(clientId, now) {
      clients.delete(clientId)
      revokeClientGrants(clientId, now)
    },
    async listClients(filter) {
      return [...clients.values()]
        .filter((c) => filter?.owner_sub === undefined || c.owner_sub === filter.owner_sub)
        .sort((a, b) => a.created_at - b.created_at || a.client_id.localeCompare(b.client_id))
        .map(copy)
    },

    async findConsent(sub, clientId) {
      let found: Consent | null = null
      for (const consent of consents.values()) {
        if (consent.sub !== sub || consent.client_id !== clientId || consent.revoked_at !== null) {
          continue
        }
        if (!found || consent.created_at >= found.created_at) found = consent
      }
      return found ? copy(found) : null
    },
    async putConsent(consent) {
      consents.set(consent.id, copy(consent))
    },
    async listConsents(sub) {
      return [...consents.values()]
        .filter((c) => c.sub === sub && c.revoked_at === null)
        .sort((a, b) => a.created_at - b.created_at)
        .map(copy)
    },
    async revokeConsent(id, now) {
      const consent = consents.get(id)
      if (!consent || consent.revoked_at !== null) return false
      consent.revoked_at = now
      return true
    },
    async revokeSubject(sub, now) {
      for (const consent of consents.values()) {
        if (consent.sub === sub && consent.revoked_at === null) consent.revoked_at = now
      }
      revokeFamiliesWhere((family) => family.user?.sub === sub, now)
    },

    ...memoryDeviceAuthorizations(devices),
    hit: counters.hit,
    countHits: counters.countHits,
    remember: counters.remember,

    async createInteraction(interaction) {
      interactions.set(interaction.id, copy(interaction))
    },
    async getInteraction(id, now) {
      const interaction = interactions.get(id)
      if (!interaction || interaction.expires_at <= now || interaction.consumed_at !== null) {
        return null
      }
      return copy(interaction)
    },

    async createPushedRequest(request) {
      pushedRequests.set(request.hash, copy(request))
    },
    async createInitialAccessToken(token) {
      initialAccessTokens.set(token.hash, copy(token))
    },
    async getInitialAccessToken(hash, now) {
      const token = initialAccessTokens.get(hash)
      return token && token.expires_at > now && token.consumed_at === null ? copy(token) : null
    },

    async createCode(code, family) {
      putFamily(family)
      codes.set(flat(code.hash), copy(code))
    },
    async consume<K extends keyof Consumables>(kind: K, key: string, now: number): Promise<ConsumeResult<Consumables[K]>> {
      const table = consumables[kind] as Map<string, Consumables[K]>
      const record = table.get(key)
      if (!record || record.expires_at <= now) return { status: 'absent' }
      if (record.consumed_at !== null) return { status: 'reused', record: copy(record) }
      record.consumed_at = now
      return { status: 'ok', record: copy(record) }
    },

    async getFamily(id, now) {
      const family = liveFamily(id, now)
      return family ? familyRecord(family) : null
    },
    async createFamily(family) {
      putFamily(family)
    },
    async revokeFamily(id, now) {
      const family = families.get(id)
      if (family && family.revoked_at === null) revokeFamily(family, now)
    },

    async issueTokens(tokens) {
      issue(tokens)
    },
    async findAccessToken(hash, now) {
      const token = access.get(hashKey(hash))
      const family = liveTokenFamily(token, now)
      return token && family ? { token: accessRecord(hash, token), family: familyRecord(family) } : null
    },
    async findRefreshToken(hash, now) {
      const token = refresh.get(hashKey(hash))
      const family = liveTokenFamily(token, now)
      return token && family ? { token: refreshRecord(hash, token), family: familyRecord(family) } : null
    },
    async revokeAccessToken(hash, now) {
      revokeAccess(hashKey(hash), now)
    },
    async rotateRefresh(oldHash, next, now, graceSeconds): Promise<RotateResult> {
      const old = refresh.get(hashKey(oldHash))
      if (!old || !liveTokenFamily(old, now)) return { status: 'absent' }
      if (old.used_at !== null) {
        const successorKey = old.successor_hash ? hashKey(old.successor_hash) : null
        const successor = successorKey !== null ? refresh.get(successorKey) : undefined
        const inGrace =
          now - old.used_at < graceSeconds && successor !== undefined && successor.used_at === null && successor.revoked_at === null
        if (!inGrace || successorKey === null) return { status: 'reused', family_id: old.family_id }
        successor.revoked_at = now
        refreshExpiry.revoked(successorKey)
        if (successor.access_hash) revokeAccess(hashKey(successor.access_hash), now)
      }
      // The grace window runs from the first use: re-presenting the old token does not extend it.
      old.used_at ??= now
      old.successor_hash = flat(next.refresh.hash)
      issue(next)
      return { status: 'ok' }
    },

    async listSigningKeys() {
      return [...keys.values()].sort((a, b) => a.activate_at - b.activate_at).map(copy)
    },
    async addSigningKey(key, options) {
      if ((options?.ifNone && keys.size > 0) || keys.has(key.kid)) return false
      keys.set(key.kid, copy(key))
      return true
    },

    async cleanup(now, limit = 10_000, options) {
      let removed = 0
      const idle = options?.unusedDynamicClientSeconds
      if (idle !== undefined) {
        for (const clientId of unusedDynamicClients(now, now - idle).slice(0, limit)) {
          clients.delete(clientId)
          revokeClientGrants(clientId, now)
          removed++
        }
      }
      const sweep = <T extends { expires_at: number; revoked_at?: number | null }>(table: Map<string, T>) => {
        for (const [key, row] of table) {
          if (removed >= limit) return
          if (row.expires_at <= now || (row.revoked_at ?? null) !== null) {
            table.delete(key)
            removed++
          }
        }
      }
      sweep(codes)
      sweep(interactions)
      sweep(initialAccessTokens)
      sweep(pushedRequests)
      sweep(devices)
      removed += accessExpiry.sweep(access, now, limit - removed)
      removed += refreshExpiry.sweep(refresh, now, limit - removed)
      removed += familyExpiry.sweep(families, now, limit - removed)
      removed += counters.sweep(now, limit - removed)
      for (const [key, consent] of consents) {
        if (removed >= limit) break
        if (consent.revoked_at !== null) {
          consents.delete(key)
          removed++
        }
      }
      return removed
    },
  }
}
