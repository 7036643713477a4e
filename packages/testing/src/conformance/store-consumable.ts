import type { Consumables, Storage } from '@grantline/core'
import { makeCode, makeFamily, makeInitialAccessToken, makeInteraction, makePushedRequest } from '../fixtures.js'
import { seedGrant } from './seed.js'

/** A stored single-use record and the key `consume` takes it by. */
export interface StoredConsumable<K extends keyof Consumables> {
  key: string
  record: Consumables[K]
}

type Stores = { [K in keyof Consumables]: (storage: Storage, expiresAt: number) => Promise<StoredConsumable<K>> }

/**
 * How to store one record of each kind: a map over every kind, so that a new consumable fails to
 * compile here until the conformance suite can store it (and then runs every consume rule on it).
 */
const STORES: Stores = {
  async code(storage, expiresAt) {
    const grant = await seedGrant(storage)
    const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
    const code = makeCode({ family_id: family.id, client_id: grant.client.client_id, expires_at: expiresAt })
    await storage.createCode(code, family)
    return { key: code.hash, record: code }
  },
  async interaction(storage, expiresAt) {
    const grant = await seedGrant(storage)
    const interaction = makeInteraction({ client_id: grant.client.client_id, expires_at: expiresAt })
    await storage.createInteraction(interaction)
    return { key: interaction.id, record: interaction }
  },
  async initial_access_token(storage, expiresAt) {
    const token = makeInitialAccessToken({ expires_at: expiresAt })
    await storage.createInitialAccessToken(token)
    return { key: token.hash, record: token }
  },
  async pushed_request(storage, expiresAt) {
    const grant = await seedGrant(storage)
    const request = makePushedRequest({ client_id: grant.client.client_id, expires_at: expiresAt })
    await storage.createPushedRequest(request)
    return { key: request.hash, record: request }
  },
}

/** Every consumable kind. */
export const CONSUMABLE_KINDS = Object.keys(STORES) as (keyof Consumables)[]

/** Stores one record of `kind` expiring at `expiresAt`; answers its consume key and the record. */
export function storeConsumable<K extends keyof Consumables>(storage: Storage, kind: K, expiresAt: number): Promise<StoredConsumable<K>> {
  return (STORES[kind] as (storage: Storage, expiresAt: number) => Promise<StoredConsumable<K>>)(storage, expiresAt)
}
