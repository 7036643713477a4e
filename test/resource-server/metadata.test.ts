import { createResourceServer } from '@grantline/resource-server'
import { describe, expect, it } from 'vitest'
import { ISSUER } from '../support/provider.js'
import { MCP, MCP_METADATA, setupAs } from './support.js'

const remote = (resource: string, extra: { scopes?: string[]; resourceName?: string } = {}) =>
  createResourceServer({
    resource,
    introspection: { endpoint: `${ISSUER}/introspect/`, clientId: 'rs', clientSecret: 'secret' },
    authorizationServers: [ISSUER],
    ...extra,
  })

describe('RFC 9728 protected resource metadata', () => {
  it('RFC 9728 §3.1: the well-known suffix goes between the host and the path', () => {
    const server = remote(MCP)
    expect(server.metadataUrl).toBe(MCP_METADATA)
    expect(server.owns(new Request(MCP_METADATA))).toBe(true)
    expect(server.owns(new Request('https://mcp.example/.well-known/oauth-protected-resource'))).toBe(false)
    expect(server.owns(new Request('https://mcp.example/mcp/.well-known/oauth-protected-resource'))).toBe(false)
    expect(server.owns(new Request(MCP))).toBe(false)
  })

  it('RFC 9728 §3.1: a resource without a path has its metadata at the bare well-known path', () => {
    const server = remote('https://api.example')
    expect(server.resource).toBe('https://api.example/')
    expect(server.metadataUrl).toBe('https://api.example/.well-known/oauth-protected-resource')
    expect(server.owns(new Request('https://api.example/.well-known/oauth-protected-resource'))).toBe(true)
    expect(server.owns(new Request('https://api.example/.well-known/oauth-protected-resource/'))).toBe(false)
  })

  it('RFC 8707 §2: the resource is canonicalised as the authorization server does (scheme, host, default port)', () => {
    expect(remote('HTTPS://MCP.Example:443/mcp').resource).toBe(MCP)
    expect(remote('HTTPS://MCP.Example:443/mcp').metadataUrl).toBe(MCP_METADATA)
    expect(remote('https://api.example/V1/').metadataUrl).toBe('https://api.example/.well-known/oauth-protected-resource/V1/')
    expect(remote('http://127.0.0.1:8787/mcp').metadataUrl).toBe('http://127.0.0.1:8787/.well-known/oauth-protected-resource/mcp')
  })

  it('RFC 9728 §3.2: GET answers the document as JSON, cacheable for a short while, readable from any origin', async () => {
    const server = remote(MCP, { scopes: ['read', 'write'], resourceName: 'Example MCP server' })
    const response = server.metadata(new Request(MCP_METADATA))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(await response.json()).toEqual({
      resource: MCP,
      authorization_servers: [ISSUER],
      scopes_supported: ['read', 'write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Example MCP server',
    })
  })

  it('RFC 9728 §2: optional members are left out when not configured', async () => {
    expect(await remote(MCP).metadata(new Request(MCP_METADATA)).json()).toEqual({
      resource: MCP,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
    })
  })

  it('RFC 9728 §3.3: the resource value is the identifier the metadata URL was made from', async () => {
    const server = remote('https://api.example')
    const document = (await server.metadata(new Request(server.metadataUrl)).json()) as { resource: string }
    expect(document.resource).toBe(server.resource)
  })

  it('RFC 9728 §3.2: the same-process document names the provider as authorization server', async () => {
    const s = setupAs()
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    expect(await server.metadata(new Request(MCP_METADATA)).json()).toMatchObject({ authorization_servers: [ISSUER] })
  })

  it('answers HEAD without a body, the CORS preflight, and 405 to other methods', async () => {
    const server = remote(MCP)
    const head = server.metadata(new Request(MCP_METADATA, { method: 'HEAD' }))
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    const preflight = server.metadata(
      new Request(MCP_METADATA, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'mcp-protocol-version',
        },
      }),
    )
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('*')
    const post = server.metadata(new Request(MCP_METADATA, { method: 'POST', body: 'x' }))
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
  })

  it('answers 404 for a path that is not its own', () => {
    expect(remote(MCP).metadata(new Request('https://mcp.example/.well-known/oauth-protected-resource')).status).toBe(404)
  })
})
