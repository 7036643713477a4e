import { FIXTURE_TIME, makeClient } from '../fixtures.js'
import type { TestApi } from '../test-api.js'
import { issuePair, type MakeStorage, seedGrant } from './seed.js'

const T = FIXTURE_TIME

/** Client registry rules: RFC 7591 records, replace-by-id, owner filter, delete revokes. */
export function describeClients(t: TestApi, makeStorage: MakeStorage): void {
  const { describe, expect, it } = t
  describe('clients', () => {
    it('putClient stores a client that getClient returns unchanged (RFC 7591 §2)', async () => {
      const storage = await makeStorage()
      const client = makeClient({ owner_sub: 'owner-1', redirect_uris: ['https://a.example/cb'] })
      await storage.putClient(client)
      expect(await storage.getClient(client.client_id)).toEqual(client)
    })

    it('a client keeps its previous secret and its expiry while a rotation overlaps, and drops them when replaced', async () => {
      const storage = await makeStorage()
      const client = makeClient({ previous_secret_hash: 'b'.repeat(64), previous_secret_expires_at: T + 86_400 })
      await storage.putClient(client)
      expect(await storage.getClient(client.client_id)).toEqual(client)
      const ended = { ...client, previous_secret_hash: null, previous_secret_expires_at: null }
      await storage.putClient(ended)
      expect(await storage.getClient(client.client_id)).toEqual(ended)
    })

    it('getClient answers null for an unknown client_id', async () => {
      const storage = await makeStorage()
      expect(await storage.getClient('no-such-client')).toBeNull()
    })

    it('putClient with an existing client_id replaces the record', async () => {
      const storage = await makeStorage()
      const client = makeClient()
      await storage.putClient(client)
      const updated = { ...client, client_name: 'Renamed', redirect_uris: ['https://b.example/cb'] }
      await storage.putClient(updated)
      expect(await storage.getClient(client.client_id)).toEqual(updated)
      expect(await storage.listClients()).toHaveLength(1)
    })

    it('listClients lists every client, and only the owner_sub ones when filtered', async () => {
      const storage = await makeStorage()
      const mine = [makeClient({ owner_sub: 'alice' }), makeClient({ owner_sub: 'alice' })]
      const other = makeClient({ owner_sub: 'bob' })
      const unowned = makeClient({ owner_sub: null })
      for (const c of [...mine, other, unowned]) await storage.putClient(c)
      const ids = (list: { client_id: string }[]) => list.map((c) => c.client_id).sort()
      expect(ids(await storage.listClients())).toEqual(ids([...mine, other, unowned]))
      expect(ids(await storage.listClients({ owner_sub: 'alice' }))).toEqual(ids(mine))
      expect(await storage.listClients({ owner_sub: 'carol' })).toEqual([])
    })

    it('deleteClient removes the client', async () => {
      const storage = await makeStorage()
      const client = makeClient()
      const kept = makeClient()
      await storage.putClient(client)
      await storage.putClient(kept)
      await storage.deleteClient(client.client_id, T)
      expect(await storage.getClient(client.client_id)).toBeNull()
      expect(await storage.getClient(kept.client_id)).toEqual(kept)
    })

    it('deleteClient revokes its families: their tokens stop being valid (RFC 7009 §2.1)', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const other = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      const otherPair = await issuePair(storage, other)
      await storage.deleteClient(grant.client.client_id, T + 1)
      expect(await storage.getFamily(grant.family.id, T + 2)).toBeNull()
      expect(await storage.findAccessToken(pair.access.hash, T + 2)).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 2)).toBeNull()
      expect(await storage.findAccessToken(otherPair.access.hash, T + 2)).not.toBeNull()
      expect(await storage.findRefreshToken(otherPair.refresh.hash, T + 2)).not.toBeNull()
    })

    it("deleteClient revokes its consents, and no other client's (RFC 7592 §2.3)", async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const other = await seedGrant(storage)
      await storage.deleteClient(grant.client.client_id, T + 1)
      expect(await storage.findConsent(grant.consent.sub, grant.client.client_id)).toBeNull()
      expect((await storage.listConsents(grant.consent.sub)).map((c) => c.id)).toEqual([other.consent.id])
      await storage.putClient(grant.client)
      expect(await storage.findConsent(grant.consent.sub, grant.client.client_id)).toBeNull()
    })

    it('a deleted client re-registered under the same client_id does not revive old tokens', async () => {
      const storage = await makeStorage()
      const grant = await seedGrant(storage)
      const pair = await issuePair(storage, grant)
      await storage.deleteClient(grant.client.client_id, T + 1)
      await storage.putClient(grant.client)
      expect(await storage.findAccessToken(pair.access.hash, T + 2)).toBeNull()
      expect(await storage.findRefreshToken(pair.refresh.hash, T + 2)).toBeNull()
    })

    it('returned clients are copies: mutating one does not change storage', async () => {
      const storage = await makeStorage()
      const client = makeClient()
      const expected = structuredClone(client)
      await storage.putClient(client)
      const got = await storage.getClient(client.client_id)
      got?.redirect_uris.push('https://evil.example/cb')
      if (got) got.client_name = 'mutated'
      const listed = await storage.listClients()
      listed[0]?.grant_types.push('password')
      expect(await storage.getClient(client.client_id)).toEqual(expected)
    })

    it('a stored client does not alias the object passed to putClient', async () => {
      const storage = await makeStorage()
      const client = makeClient()
      const original = structuredClone(client)
      await storage.putClient(client)
      client.redirect_uris.push('https://evil.example/cb')
      client.skip_authorization = true
      expect(await storage.getClient(client.client_id)).toEqual(original)
    })
  })
}
