import type { Consumables } from '@grantline/core'
import { FIXTURE_TIME, makeCode, makeFamily, makeInteraction } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { type MakeStorage, seedGrant } from './seed.js'
import { CONSUMABLE_KINDS, storeConsumable } from './store-consumable.js'

const T = FIXTURE_TIME

/** Why each kind is single-use: every kind has a line, so a new one gets every rule below. */
const SPECS: { [K in keyof Consumables]: string } = {
  code: 'RFC 6749 §4.1.2',
  interaction: 'a consent decision is taken once',
  initial_access_token: 'RFC 7591 §3: an initial access token registers one client',
  pushed_request: 'RFC 9126 §4: a request_uri is used once',
}

/** The single-use rules shared by codes, interactions and initial access tokens. */
function describeConsume(t: TestApi, makeStorage: MakeStorage, kind: keyof Consumables, spec: string): void {
  const { describe, expect, it } = t
  describe(`consume('${kind}')`, () => {
    it(`the first consume answers ok with the record, consumed at now (${spec})`, async () => {
      const storage = await makeStorage()
      const { key, record } = await storeConsumable(storage, kind, T + 60)
      expect(await storage.consume(kind, key, T + 5)).toEqual({
        status: 'ok',
        record: { ...record, consumed_at: T + 5 },
      })
    })

    it(`consume leaves a tombstone: a replay answers reused with the record (${spec})`, async () => {
      const storage = await makeStorage()
      const { key, record } = await storeConsumable(storage, kind, T + 60)
      await storage.consume(kind, key, T + 5)
      const consumed = { ...record, consumed_at: T + 5 }
      expect(await storage.consume(kind, key, T + 6)).toEqual({
        status: 'reused',
        record: consumed,
      })
      expect(await storage.consume(kind, key, T + 59)).toEqual({
        status: 'reused',
        record: consumed,
      })
    })

    it('an expired record answers absent (expires_at <= now is expired)', async () => {
      const storage = await makeStorage()
      const { key } = await storeConsumable(storage, kind, T + 60)
      expect(await storage.consume(kind, key, T + 60)).toEqual({ status: 'absent' })
      const other = await storeConsumable(storage, kind, T + 60)
      expect((await storage.consume(kind, other.key, T + 59)).status).toBe('ok')
    })

    it('a tombstone past its expiry answers absent', async () => {
      const storage = await makeStorage()
      const { key } = await storeConsumable(storage, kind, T + 60)
      await storage.consume(kind, key, T + 5)
      expect(await storage.consume(kind, key, T + 61)).toEqual({ status: 'absent' })
    })

    it('an unknown key answers absent', async () => {
      const storage = await makeStorage()
      await storeConsumable(storage, kind, T + 60)
      expect(await storage.consume(kind, 'f'.repeat(64), T + 5)).toEqual({ status: 'absent' })
    })

    it('the consumed record returned is a copy: mutating it does not change storage', async () => {
      const storage = await makeStorage()
      const { key } = await storeConsumable(storage, kind, T + 60)
      const first = await storage.consume(kind, key, T + 5)
      if (first.status !== 'ok') throw new Error(`expected ok, got ${first.status}`)
      first.record.consumed_at = null
      first.record.expires_at = T + 10_000
      const replay = await storage.consume(kind, key, T + 6)
      expect(replay.status).toBe('reused')
      expect(await storage.consume(kind, key, T + 61)).toEqual({ status: 'absent' })
    })
  })
}

/** Interaction and authorization-code rules. */
export function describeConsumables(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('interactions', () => {
    it('getInteraction returns a stored interaction unchanged', async () => {
      const storage = await makeStorage()
      const interaction = makeInteraction()
      await storage.createInteraction(interaction)
      expect(await storage.getInteraction(interaction.id, T + 1)).toEqual(interaction)
    })

    it('getInteraction answers null for an unknown, expired or consumed interaction', async () => {
      const storage = await makeStorage()
      const interaction = makeInteraction({ expires_at: T + 600 })
      await storage.createInteraction(interaction)
      expect(await storage.getInteraction('no-such-interaction', T + 1)).toBeNull()
      expect(await storage.getInteraction(interaction.id, T + 599)).not.toBeNull()
      expect(await storage.getInteraction(interaction.id, T + 600)).toBeNull()
      await storage.consume('interaction', interaction.id, T + 2)
      expect(await storage.getInteraction(interaction.id, T + 3)).toBeNull()
    })

    it('a returned interaction is a copy: mutating it does not change storage', async () => {
      const storage = await makeStorage()
      const interaction = makeInteraction()
      const expected = structuredClone(interaction)
      await storage.createInteraction(interaction)
      const got = await storage.getInteraction(interaction.id, T + 1)
      if (got) got.params.redirect_uri = 'https://evil.example/cb'
      expect(await storage.getInteraction(interaction.id, T + 1)).toEqual(expected)
    })
  })

  describe('codes', () => {
    it('createCode stores the family with the code (RFC 6749 §4.1.2)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const family = makeFamily({ client_id: grant.client.client_id, consent_id: grant.consent.id })
      const code = makeCode({ family_id: family.id, client_id: grant.client.client_id })
      await storage.createCode(code, family)
      expect(await storage.getFamily(family.id, T + 1)).toEqual(family)
    })
  })

  for (const kind of CONSUMABLE_KINDS) describeConsume(t, makeStorage, kind, SPECS[kind])
}
