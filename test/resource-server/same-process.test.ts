import { memoryStorage, type Storage } from '@grantline/core'
import { createResourceServer, type SameProcessProvider } from '@grantline/resource-server'
import { describe, expect, it } from 'vitest'
import { ISSUER } from '../support/provider.js'
import {
  apiRequest,
  asResponse,
  clientCredentialsToken,
  createAgent,
  DPOP_OFFER,
  MCP,
  MCP_METADATA,
  OTHER,
  revoke,
  setupAs,
} from './support.js'

const bearer = (token: string) => apiRequest(`Bearer ${token}`)
const METADATA = `resource_metadata="${MCP_METADATA}"`

/** A memory storage whose access-token reads fail, as a database that went away. */
function storageWithoutTokenReads(): Storage {
  const inner = memoryStorage()
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'findAccessToken') return () => Promise.reject(new Error('connection to 10.1.2.3 lost'))
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('same-process mode: a real provider in the same Worker', () => {
  it('RFC 8707 §2: a token for this resource is accepted, with its audience', async () => {
    const s = setupAs()
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    const agent = await createAgent(s)
    const token = await clientCredentialsToken(s, agent, MCP, 'read write')
    expect(await server.verify(bearer(token), { scopes: ['write'] })).toEqual({
      sub: null,
      client_id: agent.id,
      scopes: ['read', 'write'],
      expires_at: Math.floor(s.clock.now() / 1000) + 3600,
      audience: [MCP],
    })
  })

  it("RFC 9728 §5.1: the provider's refusal of a token for another resource carries resource_metadata", async () => {
    const s = setupAs()
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    const token = await clientCredentialsToken(s, await createAgent(s), OTHER)
    const response = asResponse(await server.verify(bearer(token)))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="https:\/\/as\.example\/o", error="invalid_token", /)
    expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`, ${METADATA.replace(/[.?/]/g, '\\$&')}$`))
    expect(((await response.json()) as { error: string }).error).toBe('invalid_token')
  })

  it('RFC 8707 §2: a token that names no resource is refused', async () => {
    const s = setupAs()
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    const token = await clientCredentialsToken(s, await createAgent(s))
    const response = asResponse(await server.verify(bearer(token)))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain(METADATA)
  })

  it('RFC 8707 §2: the audience the provider reports is checked again (a provider that ignores `resource`)', async () => {
    const s = setupAs()
    // The provider called without the resource option, as one that does not know it would be.
    const unaware: SameProcessProvider = {
      issuer: s.provider.issuer,
      verifyAccessToken: (request) => s.provider.verifyAccessToken(request),
    }
    const server = createResourceServer({ resource: MCP, provider: unaware })
    const token = await clientCredentialsToken(s, await createAgent(s), OTHER)
    const response = asResponse(await server.verify(bearer(token)))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer ${METADATA}, error="invalid_token", error_description="the access token is not meant for this resource", ${DPOP_OFFER}`,
    )
  })

  it('RFC 7009 §2: a revocation takes effect at once (nothing is cached in the same process)', async () => {
    const s = setupAs()
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    const agent = await createAgent(s)
    const token = await clientCredentialsToken(s, agent, MCP)
    expect(await server.verify(bearer(token))).toMatchObject({ client_id: agent.id })
    await revoke(s, agent, token)
    expect(asResponse(await server.verify(bearer(token))).status).toBe(401)
  })

  it("RFC 6750 §3.1, RFC 9449 §7.2: no token and a missing scope get the provider's challenges (Bearer, and DPoP with its algs) with resource_metadata on each", async () => {
    const s = setupAs()
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    const realm = `realm="${ISSUER}"`
    const dpop = `DPoP ${realm}, algs="ES256 RS256 PS256 EdDSA", ${METADATA}`
    const missing = asResponse(await server.verify(apiRequest()))
    expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, `Bearer ${realm}, ${METADATA}, ${dpop}`])
    expect(asResponse(await server.verify(apiRequest('Bearer a b'))).status).toBe(400)
    const token = await clientCredentialsToken(s, await createAgent(s), MCP, 'read')
    const scoped = asResponse(await server.verify(bearer(token), { scopes: ['write'] }))
    expect(scoped.status).toBe(403)
    expect(scoped.headers.get('www-authenticate')).toBe(
      `Bearer ${realm}, error="insufficient_scope", error_description="the access token lacks a required scope", scope="write", ${METADATA}, ${dpop}`,
    )
  })

  it('RFC 9449 §7.2: a provider that takes no DPoP proofs (no Storage.remember) offers Bearer alone', async () => {
    const { remember: _, ...storage } = memoryStorage()
    const s = setupAs({}, storage as Storage)
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    const missing = asResponse(await server.verify(apiRequest()))
    expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, `Bearer realm="${ISSUER}", ${METADATA}`])
  })

  it('a storage failure in the provider is 503 with no detail, and goes to onError', async () => {
    const s = setupAs({}, storageWithoutTokenReads())
    const reported: unknown[] = []
    const server = createResourceServer({ resource: MCP, provider: s.provider, onError: (error) => reported.push(error) })
    const response = asResponse(await server.verify(bearer('gl_at_anything')))
    expect(response.status).toBe(503)
    expect(await response.text()).toBe('{"error":"temporarily_unavailable"}')
    expect(reported).toHaveLength(1)
  })
})
