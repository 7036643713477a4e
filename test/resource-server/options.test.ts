import { createResourceServer, type RemoteOptions } from '@grantline/resource-server'
import { describe, expect, it } from 'vitest'
import { ISSUER } from '../support/provider.js'
import { MCP, setupAs } from './support.js'

const base: RemoteOptions = {
  resource: MCP,
  introspection: { endpoint: `${ISSUER}/introspect/`, clientId: 'rs', clientSecret: 'secret' },
  authorizationServers: [ISSUER],
}

const refused = (options: unknown) =>
  expect(() => createResourceServer(options as RemoteOptions)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }))

describe('createResourceServer settings, checked once at start-up', () => {
  it('RFC 8707 §2: the resource must be an absolute https URI (http on loopback) without a fragment', () => {
    for (const resource of [
      '/mcp',
      'mcp.example',
      'http://mcp.example/mcp',
      'https://mcp.example/mcp#x',
      'https://user@mcp.example/',
      'ftp://x.example/',
      '',
    ]) {
      refused({ ...base, resource })
    }
    expect(createResourceServer({ ...base, resource: 'http://localhost:3000/mcp' }).resource).toBe('http://localhost:3000/mcp')
  })

  it('needs exactly one of provider and introspection', () => {
    const s = setupAs()
    refused({ resource: MCP })
    refused({ ...base, provider: s.provider })
    refused({ resource: MCP, provider: { issuer: ISSUER } })
  })

  it('RFC 7662 §4: the introspection endpoint must be https (it carries the client secret)', () => {
    refused({ ...base, introspection: { ...base.introspection, endpoint: 'http://as.example/o/introspect/' } })
    refused({ ...base, introspection: { ...base.introspection, clientSecret: '' } })
  })

  it('RFC 9728 §2: authorization_servers needs at least one issuer URL', () => {
    refused({ ...base, authorizationServers: [] })
    refused({ ...base, authorizationServers: ['as.example'] })
  })

  it('RFC 6750 §2.1: only the Authorization header is a bearer method', () => {
    refused({ ...base, bearerMethods: ['header', 'query'] })
  })

  it('RFC 6749 §3.3: scopes_supported lists scope tokens; the cache holds at least one token', () => {
    refused({ ...base, scopes: ['read write'] })
    refused({ ...base, cacheSize: 0 })
  })

  it('accepts a Grantline provider as it is, by its structure alone', () => {
    const s = setupAs()
    expect(createResourceServer({ resource: MCP, provider: s.provider }).metadataUrl).toBe(
      'https://mcp.example/.well-known/oauth-protected-resource/mcp',
    )
  })
})
