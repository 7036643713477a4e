import { ConfigError, createProvider, memoryStorage } from '@grantline/core'
import { testAccounts } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { loadClient, storeDocumentClient } from '../../packages/core/src/clients/load-client.js'
import { documentCacheSeconds } from '../../packages/core/src/clients/metadata-document.js'
import { setup } from '../support/provider.js'
import { CLIENT_ID, cimdSetup, documentFor, jsonResponse, refusal } from './metadata-document-support.js'

const cached = (cacheControl: string, extra: Record<string, string> = {}) =>
  cimdSetup(() => jsonResponse(documentFor(), { 'cache-control': cacheControl, ...extra }))

describe('metadata caching (draft-ietf-oauth-client-id-metadata-document §5.2)', () => {
  it('draft-ietf-oauth-client-id-metadata-document §5.2: max-age is honoured: served from cache, then fetched again once stale', async () => {
    const s = cached('public, max-age=300')
    await s.documents.load(CLIENT_ID)
    s.clock.advance(299)
    expect((await s.documents.load(CLIENT_ID)).client.client_id).toBe(CLIENT_ID)
    expect(s.calls).toHaveLength(1)
    s.clock.advance(1)
    await s.documents.load(CLIENT_ID)
    expect(s.calls).toHaveLength(2)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5.2: no-store still keeps the document for the 60 s minimum', async () => {
    const s = cached('no-store')
    await s.documents.load(CLIENT_ID)
    s.clock.advance(59)
    await s.documents.load(CLIENT_ID)
    expect(s.calls).toHaveLength(1)
    s.clock.advance(1)
    await s.documents.load(CLIENT_ID)
    expect(s.calls).toHaveLength(2)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5.2: a lifetime is held within [60 s, 24 h], less the Age already spent', () => {
    const bounds = { min: 60, max: 86400 }
    const lifetime = (headers: Record<string, string>) => documentCacheSeconds(new Headers(headers), bounds)
    expect(lifetime({})).toBe(60)
    expect(lifetime({ 'cache-control': 'max-age=10' })).toBe(60)
    expect(lifetime({ 'cache-control': 'max-age=3600' })).toBe(3600)
    expect(lifetime({ 'cache-control': 'max-age=31536000, immutable' })).toBe(86400)
    expect(lifetime({ 'cache-control': 'max-age=3600', age: '600' })).toBe(3000)
    expect(lifetime({ 'cache-control': 'no-cache, max-age=3600' })).toBe(60)
    expect(lifetime({ 'cache-control': 'max-age=abc' })).toBe(60)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5.2: the bounds are the operator cacheSeconds', async () => {
    const s = cimdSetup(() => jsonResponse(documentFor(), { 'cache-control': 'max-age=86400' }), { cacheSeconds: { min: 10, max: 120 } })
    await s.documents.load(CLIENT_ID)
    s.clock.advance(119)
    await s.documents.load(CLIENT_ID)
    expect(s.calls).toHaveLength(1)
    s.clock.advance(1)
    await s.documents.load(CLIENT_ID)
    expect(s.calls).toHaveLength(2)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5.2: errors and invalid documents are never cached', async () => {
    let attempt = 0
    const s = cimdSetup(() => {
      attempt++
      if (attempt === 1) return jsonResponse({}, { 'cache-control': 'max-age=3600' }, 503)
      if (attempt === 2)
        return jsonResponse(documentFor({ client_id: 'https://other.example/c.json' }), { 'cache-control': 'max-age=3600' })
      return jsonResponse(documentFor(), { 'cache-control': 'max-age=3600' })
    })
    await expect(s.documents.load(CLIENT_ID)).rejects.toMatchObject(refusal('answered HTTP 503'))
    await expect(s.documents.load(CLIENT_ID)).rejects.toMatchObject(refusal('does not equal the URL'))
    await expect(s.documents.load(CLIENT_ID)).resolves.toMatchObject({ client: { client_id: CLIENT_ID } })
    expect(s.calls).toHaveLength(3)
  })

  it('concurrent loads of one URL share one fetch', async () => {
    const s = cached('max-age=300')
    const loads = await Promise.all([s.documents.load(CLIENT_ID), s.documents.load(CLIENT_ID), s.documents.load(CLIENT_ID)])
    expect(loads.map((load) => load.client.client_id)).toEqual([CLIENT_ID, CLIENT_ID, CLIENT_ID])
    expect(s.calls).toHaveLength(1)
  })

  it('the cache is bounded: past 1000 documents the least recently used is dropped', async () => {
    const id = (n: number) => `https://app${n}.example.com/client.json`
    const s = cimdSetup((url) => jsonResponse(documentFor({ client_id: url }), { 'cache-control': 'max-age=3600' }))
    for (let n = 0; n < 1000; n++) await s.documents.load(id(n))
    await s.documents.load(id(0)) // now the most recently used; app1 is the oldest
    await s.documents.load(id(1000))
    expect(s.calls).toHaveLength(1001)
    await s.documents.load(id(0))
    expect(s.calls).toHaveLength(1001)
    await s.documents.load(id(1))
    expect(s.calls).toHaveLength(1002)
  })
})

describe('loadClient', () => {
  it('draft-ietf-oauth-client-id-metadata-document §6.10: a registered client keeps its record, even with a URL id; nothing is fetched', async () => {
    const s = cached('max-age=300')
    // Registered by the operator (not dynamic): the record is the registration.
    await s.config.storage.putClient({ ...(await s.documents.load(CLIENT_ID)).client, client_name: 'Registered', dynamic: false })
    const calls = s.calls.length
    const client = await loadClient({ config: s.config, clientMetadataDocuments: s.documents }, {}, CLIENT_ID)
    expect(client?.client_name).toBe('Registered')
    expect(s.calls).toHaveLength(calls)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5: an unregistered client_id URL is read from its document', async () => {
    const s = cached('max-age=300')
    const client = await loadClient({ config: s.config, clientMetadataDocuments: s.documents }, {}, CLIENT_ID)
    expect(client).toMatchObject({ client_id: CLIENT_ID, client_type: 'public', token_endpoint_auth_method: 'none' })
    expect(s.calls).toHaveLength(1)
  })

  it('draft-ietf-oauth-client-id-metadata-document §5: naming a document stores nothing; once a grant stored its client, the copy follows the document', async () => {
    let name = 'First'
    const s = cimdSetup(() => jsonResponse(documentFor({ client_name: name }), { 'cache-control': 'max-age=60' }))
    const provider = { config: s.config, clientMetadataDocuments: s.documents }
    const writes: string[] = []
    const putClient = s.config.storage.putClient.bind(s.config.storage)
    s.config.storage.putClient = (client) => {
      writes.push(client.client_name)
      return putClient(client)
    }
    const first = await loadClient(provider, {}, CLIENT_ID)
    await loadClient(provider, {}, CLIENT_ID)
    expect(writes).toStrictEqual([])
    await storeDocumentClient(provider, first!)
    await storeDocumentClient(provider, first!)
    expect(writes).toStrictEqual(['First'])
    name = 'Renamed'
    s.clock.advance(60)
    expect((await loadClient(provider, {}, CLIENT_ID))?.client_name).toBe('Renamed')
    expect(writes).toStrictEqual(['First', 'Renamed'])
    expect((await s.config.storage.getClient(CLIENT_ID))?.client_name).toBe('Renamed')
  })

  it('RFC 6585 §4: one address may cause at most 30 document fetches in 10 minutes; cached documents do not count', async () => {
    const s = cimdSetup((url) => jsonResponse(documentFor({ client_id: url })))
    const provider = { config: s.config, clientMetadataDocuments: s.documents }
    const call = { clientAddress: '203.0.113.9' }
    for (let i = 0; i < 30; i++) await loadClient(provider, call, `https://app.example.com/c/${i}.json`)
    await loadClient(provider, call, 'https://app.example.com/c/0.json')
    await expect(loadClient(provider, call, 'https://app.example.com/c/30.json')).rejects.toMatchObject({
      error: 'temporarily_unavailable',
      status: 429,
    })
    expect(s.calls).toHaveLength(30)
    // Another address has its own count.
    expect(await loadClient(provider, { clientAddress: '198.51.100.7' }, 'https://app.example.com/c/31.json')).not.toBeNull()
  })

  it('an id that is not a URL is looked up in storage only', async () => {
    const s = cached('max-age=300')
    expect(await loadClient({ config: s.config, clientMetadataDocuments: s.documents }, {}, 'abc123')).toBeNull()
    expect(s.calls).toHaveLength(0)
  })

  it('draft-ietf-oauth-client-id-metadata-document §3: an http client_id URL is refused by name, not fetched', async () => {
    const s = cached('max-age=300')
    const attempt = loadClient({ config: s.config, clientMetadataDocuments: s.documents }, {}, 'http://app.example.com/client.json')
    await expect(attempt).rejects.toMatchObject(refusal('must use the https scheme'))
    expect(s.calls).toHaveLength(0)
  })

  it('with the feature off a client_id URL is only a storage key: unknown, and never fetched', async () => {
    const s = cached('max-age=300')
    expect(await loadClient({ config: s.config, clientMetadataDocuments: null }, {}, CLIENT_ID)).toBeNull()
    expect(s.calls).toHaveLength(0)
  })
})

describe('configuration and discovery', () => {
  const metadataOf = async (overrides: Parameters<typeof setup>[0]) => {
    const response = await setup(overrides).provider.handle(new Request('https://as.example/.well-known/oauth-authorization-server/o'))
    return (await response.json()) as Record<string, unknown>
  }

  it('draft-ietf-oauth-client-id-metadata-document §6: discovery says client_id_metadata_document_supported only when on', async () => {
    expect(await metadataOf({ clientIdMetadataDocuments: {} })).toMatchObject({ client_id_metadata_document_supported: true })
    expect(await metadataOf({})).not.toHaveProperty('client_id_metadata_document_supported')
  })

  it('a bad clientIdMetadataDocuments or fetch setting is a coded ConfigError at start-up', () => {
    const base = {
      issuer: 'https://as.example/o',
      storage: memoryStorage(),
      accounts: testAccounts([]).accounts,
      secrets: ['s'.repeat(32)],
    }
    const make = (extra: object) => () => createProvider({ ...base, ...extra })
    expect(make({ clientIdMetadataDocuments: { cacheSeconds: { min: 600, max: 60 } } })).toThrow(ConfigError)
    expect(make({ clientIdMetadataDocuments: { maxBytes: 0 } })).toThrow(/maxBytes/)
    expect(make({ clientIdMetadataDocuments: { allow: 'example.com' } })).toThrow(/allow must be a function/)
    expect(make({ clientIdMetadataDocuments: { follow: true } })).toThrow(ConfigError)
    expect(make({ fetch: 'https://proxy' })).toThrow(/fetch must be a function/)
  })
})
