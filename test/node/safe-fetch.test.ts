import type { LookupAddress } from 'node:dns'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { safeFetch } from '@grantline/node'
import { testAccounts } from '@grantline/testing'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { fetchClientMetadataDocument } from '../../packages/core/src/clients/metadata-document.js'
import { resolveConfig } from '../../packages/core/src/config/config.js'
import { memoryStorage } from '../../packages/core/src/storage/memory-storage.js'

// A loopback server that counts every connection: a refused fetch must leave it at zero.
let connections = 0
const hosts: (string | undefined)[] = []
const server = createServer((request, response) => {
  hosts.push(request.headers.host)
  if (request.url === '/redirect') response.writeHead(302, { location: '/client.json' }).end()
  else if (request.url === '/stall') response.writeHead(200, { 'content-type': 'application/json' }).write('{')
  else response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end('{"hello":"world"}')
})
server.on('connection', () => {
  connections++
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const port = (server.address() as AddressInfo).port
afterAll(() => new Promise((resolve) => server.close(resolve)))

beforeEach(() => {
  connections = 0
  hosts.length = 0
})

/** A resolver from a fixed table, counting its calls: the tests never touch DNS. */
function resolverOf(table: Record<string, string[]>) {
  const calls: string[] = []
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    calls.push(hostname)
    return (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
  return { resolve, calls }
}

describe('safeFetch (draft-ietf-oauth-client-id-metadata-document §8.6, server-side request forgery)', () => {
  it('draft-ietf-oauth-client-id-metadata-document §8.6: a name that resolves to 127.0.0.1 is refused after resolution; no connection is made', async () => {
    const { resolve, calls } = resolverOf({ 'rebind.attacker.test': ['127.0.0.1'] })
    const fetch = safeFetch({ resolve })
    await expect(fetch(`http://rebind.attacker.test:${port}/client.json`)).rejects.toMatchObject({ code: 'ERR_SPECIAL_USE_ADDRESS' })
    await expect(fetch(`https://rebind.attacker.test:${port}/client.json`)).rejects.toMatchObject({ code: 'ERR_SPECIAL_USE_ADDRESS' })
    expect(calls).toEqual(['rebind.attacker.test', 'rebind.attacker.test'])
    expect(connections).toBe(0)
  })

  it('draft-ietf-oauth-client-id-metadata-document §8.6: one special-use address among public ones refuses the name', async () => {
    const { resolve } = resolverOf({ 'mixed.attacker.test': ['93.184.215.14', '::ffff:127.0.0.1'] })
    await expect(safeFetch({ resolve })(`http://mixed.attacker.test:${port}/`)).rejects.toMatchObject({ code: 'ERR_SPECIAL_USE_ADDRESS' })
    expect(connections).toBe(0)
  })

  it.each(['127.0.0.1', '[::1]', '[::ffff:127.0.0.1]', '169.254.169.254', '10.0.0.1', '[fd00::1]'])(
    'draft-ietf-oauth-client-id-metadata-document §8.6: the IP literal %s is refused before any resolution or connection',
    async (host) => {
      const { resolve, calls } = resolverOf({})
      await expect(safeFetch({ resolve })(`http://${host}:${port}/client.json`)).rejects.toMatchObject({ code: 'ERR_SPECIAL_USE_ADDRESS' })
      expect(calls).toEqual([])
      expect(connections).toBe(0)
    },
  )

  it('a name that does not resolve is a network error, with no connection', async () => {
    const { resolve } = resolverOf({})
    await expect(safeFetch({ resolve })(`http://nowhere.test:${port}/`)).rejects.toMatchObject({ code: 'ENOTFOUND' })
    expect(connections).toBe(0)
  })

  it('draft-ietf-oauth-client-id-metadata-document §8.6: through the core, a document URL resolving to loopback is invalid_client and never connected', async () => {
    const { resolve } = resolverOf({ 'client.attacker.test': ['127.0.0.1'] })
    const config = resolveConfig({
      issuer: 'https://as.example/o',
      storage: memoryStorage(),
      accounts: testAccounts([]).accounts,
      secrets: ['test-secret-0123456789-abcdefghijklmnop'],
      fetch: safeFetch({ resolve }),
      clientIdMetadataDocuments: {},
    })
    const clientId = `https://client.attacker.test:${port}/client.json`
    await expect(fetchClientMetadataDocument(config, clientId)).rejects.toMatchObject({
      error: 'invalid_client',
      status: 400,
      message: 'client metadata document could not be fetched',
    })
    expect(connections).toBe(0)
  })
})

describe('safeFetch as a fetch (allowAddress lets the loopback test server through)', () => {
  const { resolve, calls } = resolverOf({ 'client.test': ['127.0.0.1'] })
  const fetch = safeFetch({ resolve, allowAddress: (address) => address === '127.0.0.1' })

  it('resolves the name once and connects to the checked address, keeping the name in Host', async () => {
    calls.length = 0
    const response = await fetch(`http://client.test:${port}/client.json`, { headers: { accept: 'application/json' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('max-age=60')
    expect(await response.json()).toEqual({ hello: 'world' })
    expect(calls).toEqual(['client.test'])
    expect(hosts).toEqual([`client.test:${port}`])
  })

  it('draft-ietf-oauth-client-id-metadata-document §5: a redirect is returned as it is, never followed', async () => {
    const response = await fetch(`http://client.test:${port}/redirect`, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/client.json')
    expect(hosts).toHaveLength(1)
    await expect(fetch(`http://client.test:${port}/redirect`, { redirect: 'error' })).rejects.toBeInstanceOf(TypeError)
  })

  it('the signal aborts a body that stops arriving', async () => {
    const response = await fetch(`http://client.test:${port}/stall`, { signal: AbortSignal.timeout(50) })
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
  })

  it('only http and https are fetched', async () => {
    await expect(fetch('file:///etc/passwd')).rejects.toBeInstanceOf(TypeError)
  })
})
