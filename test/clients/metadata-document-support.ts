import { createFakeClock, testAccounts } from '@grantline/testing'
import { expect } from 'vitest'
import { createClientMetadataDocuments } from '../../packages/core/src/clients/metadata-document-cache.js'
import { type ProviderConfig, resolveConfig } from '../../packages/core/src/config/config.js'
import { memoryStorage } from '../../packages/core/src/storage/memory-storage.js'

export const CLIENT_ID = 'https://app.example.com/oauth/client.json'

/** A valid document for CLIENT_ID (the MCP specification's example, with a refresh grant). */
export function documentFor(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: CLIENT_ID,
    client_name: 'Example MCP Client',
    client_uri: 'https://app.example.com',
    logo_uri: 'https://app.example.com/logo.png',
    redirect_uris: ['http://127.0.0.1:3000/callback', 'https://app.example.com/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...overrides,
  }
}

export const jsonResponse = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

type Options = NonNullable<ProviderConfig['clientIdMetadataDocuments']>

/**
 * A resolved configuration with Client ID Metadata Documents on, a fake clock, and an injected
 * fetch that records every call (URL and init) and answers with `respond`.
 */
export function cimdSetup(respond: (url: string, init: RequestInit) => Response | Promise<Response>, options: Options = {}) {
  const clock = createFakeClock()
  const calls: { url: string; init: RequestInit }[] = []
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input)
    calls.push({ url, init })
    return respond(url, init)
  }) as typeof globalThis.fetch
  const config = resolveConfig({
    issuer: 'https://as.example/o',
    storage: memoryStorage(),
    accounts: testAccounts([]).accounts,
    secrets: ['test-secret-0123456789-abcdefghijklmnop'],
    now: clock.now,
    fetch,
    clientIdMetadataDocuments: options,
  })
  return { config, clock, calls, documents: createClientMetadataDocuments(config) }
}

/** What an invalid_client refusal of a metadata document looks like: 400, never a 500. */
export const refusal = (text: string) => ({ error: 'invalid_client', status: 400, message: expect.stringContaining(text) })
