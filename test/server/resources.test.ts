import * as oauth from 'oauth4webapi'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { HTTP, introspect, oauthClient } from './http-client.js'
import { createClient, createWorkspace, runCli, startServer, stopAllServers } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })
afterAll(stopAllServers)

const MCP = 'https://mcp.example/mcp'
const FILES = 'https://files.example/api'

async function tokenFor(c: ReturnType<typeof oauthClient>, resource: string) {
  const response = await oauth.clientCredentialsGrantRequest(c.as, c.client, c.auth, { resource }, HTTP)
  return response
}

describe('grantline serve: RFC 8707 resources from --resource and the config file', () => {
  it('RFC 8707 §2: --resource and "resources" in the config file are both accepted; anything else is invalid_target', async () => {
    const ws = await createWorkspace('sqlite')
    const server = await startServer(ws, {
      config: { resources: [{ uri: FILES, name: 'Files', scopes: ['read'] }] },
      args: ['--resource', MCP],
    })
    const c = oauthClient(server, await createClient(ws, 'robot', ['client_credentials']))
    for (const resource of [MCP, FILES]) {
      const tokens = await oauth.processClientCredentialsResponse(c.as, c.client, await tokenFor(c, resource))
      expect(await introspect(c, tokens.access_token)).toMatchObject({ active: true, aud: resource })
    }
    const refused = await tokenFor(c, 'https://other.example/')
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'invalid_target' })
  })

  it('RFC 9068 §2.1: a config file resource with accessToken.format "jwt" gets at+jwt tokens the served JWKS validates', async () => {
    const ws = await createWorkspace('sqlite')
    const server = await startServer(ws, { config: { resources: [{ uri: MCP, accessToken: { format: 'jwt', ttl: 120 } }] } })
    const c = oauthClient(server, await createClient(ws, 'robot', ['client_credentials']))
    const tokens = await oauth.processClientCredentialsResponse(c.as, c.client, await tokenFor(c, MCP))
    expect(tokens.expires_in).toBe(120)
    const request = new Request(MCP, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    const as = { ...c.as, jwks_uri: `${server.issuer}/.well-known/jwks.json` }
    const claims = await oauth.validateJwtAccessToken(as, request, MCP, HTTP)
    expect(claims).toMatchObject({ iss: server.issuer, aud: MCP, client_id: c.client.client_id, sub: c.client.client_id })
    expect(await introspect(c, tokens.access_token)).toMatchObject({ active: true, aud: MCP })
  })

  it('a malformed --resource stops start-up with a one-line reason', async () => {
    const ws = await createWorkspace('sqlite')
    const result = await runCli(['serve', '--port', '0', '--data', ws.data, '--db', ws.db, '--no-demo', '--resource', 'ftp://x.example/'])
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('resources')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
