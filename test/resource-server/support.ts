import type { ProviderConfig, Storage } from '@grantline/core'
import { memoryStorage } from '@grantline/core'
import { createResourceServer, type RemoteOptions } from '@grantline/resource-server'
import { expect } from 'vitest'
import { basic, form, ISSUER, type Setup, setup } from '../support/provider.js'

export const MCP = 'https://mcp.example/mcp'
export const OTHER = 'https://other.example/api'
export const MCP_METADATA = 'https://mcp.example/.well-known/oauth-protected-resource/mcp'
/** RFC 9449 §7.2: the DPoP challenge a remote resource offers beside Bearer, with the algs it takes. */
export const DPOP_OFFER = `DPoP resource_metadata="${MCP_METADATA}", algs="ES256 RS256 PS256 EdDSA"`
export const INTROSPECTION_ENDPOINT = `${ISSUER}/introspect/`

/** A provider that issues tokens for two resources, with a fake clock (and one client address). */
export function setupAs(overrides: Partial<ProviderConfig> = {}, storage: Storage = memoryStorage()): Setup {
  return setup({ resources: [{ uri: MCP }, { uri: OTHER }], clientAddress: () => '192.0.2.1', ...overrides }, storage)
}

/** A confidential client that gets tokens for itself (RFC 6749 §4.4). */
export async function createAgent(s: Setup) {
  const created = await s.provider.clients.create({ client_name: 'Agent', grant_types: ['client_credentials'] })
  return { id: created.client.client_id, secret: created.client_secret ?? '' }
}

/** RFC 6749 §4.4 token request; one `resource` parameter per given resource (RFC 8707 §2). */
export async function clientCredentialsToken(
  s: Setup,
  agent: { id: string; secret: string },
  resource?: string | string[],
  scope = 'read',
) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope })
  for (const uri of [resource ?? []].flat()) body.append('resource', uri)
  const { headers, ...init } = form({})
  const response = await s.provider.handle(
    new Request(`${ISSUER}/token/`, {
      ...init,
      body: body.toString(),
      headers: { ...headers, authorization: basic(agent.id, agent.secret) },
    }),
  )
  expect(response.status, await response.clone().text()).toBe(200)
  return ((await response.json()) as { access_token: string }).access_token
}

/** RFC 7009 revocation by the token's own client. */
export async function revoke(s: Setup, agent: { id: string; secret: string }, token: string): Promise<void> {
  const { headers, ...init } = form({ token })
  const response = await s.provider.handle(
    new Request(`${ISSUER}/revoke_token/`, { ...init, headers: { ...headers, authorization: basic(agent.id, agent.secret) } }),
  )
  expect(response.status).toBe(200)
}

type Fetch = NonNullable<RemoteOptions['fetch']>

/**
 * A remote resource server for MCP: a client registered with `introspection: true` asks the
 * provider's introspection endpoint through a fetch that routes to `provider.handle` and counts
 * the calls; the resource server shares the provider's fake clock.
 */
export async function remoteResourceServer(s: Setup, options: Partial<RemoteOptions> & { wrap?: (fetch: Fetch) => Fetch } = {}) {
  const created = await s.provider.clients.create({ client_name: 'MCP server', grant_types: ['client_credentials'], introspection: true })
  const calls: Request[] = []
  const fetch: Fetch = async (input, init) => {
    const request = new Request(input, init)
    calls.push(request.clone())
    return s.provider.handle(request)
  }
  const { wrap, ...rest } = options
  const server = createResourceServer({
    resource: MCP,
    introspection: { endpoint: INTROSPECTION_ENDPOINT, clientId: created.client.client_id, clientSecret: created.client_secret ?? '' },
    authorizationServers: [ISSUER],
    fetch: wrap ? wrap(fetch) : fetch,
    now: s.clock.now,
    ...rest,
  })
  return { server, calls, clientId: created.client.client_id }
}

/** A request to the protected resource carrying `authorization` when given. */
export function apiRequest(authorization?: string): Request {
  return new Request(MCP, { method: 'POST', headers: authorization === undefined ? {} : { authorization } })
}

/** Narrows a verify result to a Response, failing the test otherwise. */
export function asResponse(result: unknown): Response {
  expect(result).toBeInstanceOf(Response)
  return result as Response
}
