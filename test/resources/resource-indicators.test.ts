import type { ProviderConfig } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, begin, introspect, location, type Registered, redeem, refresh, register, via } from '../e2e/support.js'
import { authorizeAs, setup } from '../support/provider.js'

const MCP = 'https://mcp.example/mcp'
const FILES = 'https://files.example/api'
const RESOURCES: ProviderConfig['resources'] = [
  { uri: MCP, name: 'Tools', scopes: ['read'] },
  { uri: FILES, name: 'Files' },
]

type S = ReturnType<typeof setup>

function clientCredentials(s: S, reg: Registered, resources: string[], scope?: string) {
  const params = new URLSearchParams(scope ? { scope } : {})
  for (const resource of resources) params.append('resource', resource)
  return oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, params, via(s))
}

async function machine(overrides: Partial<ProviderConfig> = { resources: RESOURCES }) {
  const s = setup(overrides)
  const reg = await register(s, { grant_types: ['client_credentials'] })
  return { s, reg }
}

const bearer = (token: string) => new Request(`${MCP}/tools`, { headers: { authorization: `Bearer ${token}` } })

/** A code flow whose authorization request names `resources` (RFC 8707 §2.1). */
async function codeFlowFor(s: S, reg: Registered, resources: string[], tokenResources: string[] = []) {
  const started = await begin(reg.client, { scope: 'read write' })
  for (const resource of resources) started.url.searchParams.append('resource', resource)
  const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
  const params = oauth.validateAuthResponse(as, reg.client, redirect, started.state)
  const extra = new URLSearchParams()
  for (const resource of tokenResources) extra.append('resource', resource)
  const response = await oauth.authorizationCodeGrantRequest(as, reg.client, reg.auth, params, started.redirectUri, started.verifier, {
    ...via(s),
    additionalParameters: extra,
  })
  return oauth.processAuthorizationCodeResponse(as, reg.client, response)
}

describe('RFC 8707 resource indicators', () => {
  it('RFC 8707 §2: client_credentials with a resource gets a token whose audience is that resource, cut to its scopes', async () => {
    const { s, reg } = await machine()
    const result = await oauth.processClientCredentialsResponse(as, reg.client, await clientCredentials(s, reg, [MCP]))
    expect(result.scope).toBe('read')
    expect(await introspect(s, reg, result.access_token)).toMatchObject({ active: true, aud: MCP, scope: 'read' })
  })

  it('RFC 8707 §2: several resource parameters name several audiences', async () => {
    const { s, reg } = await machine()
    const result = await oauth.processClientCredentialsResponse(as, reg.client, await clientCredentials(s, reg, [MCP, FILES]))
    expect((await introspect(s, reg, result.access_token)).aud).toStrictEqual([MCP, FILES])
  })

  it('RFC 8707 §2: an indicator is compared in canonical form (scheme and host lowercased, default port dropped)', async () => {
    const { s, reg } = await machine()
    const result = await oauth.processClientCredentialsResponse(
      as,
      reg.client,
      await clientCredentials(s, reg, ['HTTPS://MCP.Example:443/mcp']),
    )
    expect((await introspect(s, reg, result.access_token)).aud).toBe(MCP)
  })

  it('RFC 8707 §2: an unknown, malformed, relative or fragment resource is invalid_target', async () => {
    const { s, reg } = await machine()
    for (const bad of ['https://other.example/api', 'mcp', '/mcp', `${MCP}#frag`, 'https://mcp.example/MCP', 'ftp://mcp.example/mcp']) {
      const response = await clientCredentials(s, reg, [bad])
      expect(response.status, bad).toBe(400)
      expect(await response.json(), bad).toMatchObject({ error: 'invalid_target' })
    }
  })

  it('RFC 8707 §2: without a resources setting a resource parameter is invalid_target naming the setting', async () => {
    const { s, reg } = await machine({})
    const response = await clientCredentials(s, reg, [MCP])
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error).toBe('invalid_target')
    expect(body.error_description).toContain('resources')
  })

  it('RFC 8707 §2: a resource limited to some clients is invalid_target for the others', async () => {
    const s = setup({ resources: [{ uri: MCP, clients: ['the-agent'] }] })
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const response = await clientCredentials(s, reg, [MCP])
    expect(await response.json()).toMatchObject({ error: 'invalid_target' })
  })

  it("RFC 8707 §2: 'any' accepts every https indicator but still refuses malformed ones", async () => {
    const { s, reg } = await machine({ resources: 'any' })
    const ok = await oauth.processClientCredentialsResponse(as, reg.client, await clientCredentials(s, reg, ['https://api.example/v1']))
    expect((await introspect(s, reg, ok.access_token)).aud).toBe('https://api.example/v1')
    for (const bad of ['http://api.example/v1', 'https://user@api.example/', 'urn:example:api']) {
      expect(await (await clientCredentials(s, reg, [bad])).json(), bad).toMatchObject({ error: 'invalid_target' })
    }
  })

  it('RFC 7662 §2.2: a token issued without a resource names no audience', async () => {
    const { s, reg } = await machine()
    const result = await oauth.processClientCredentialsResponse(as, reg.client, await clientCredentials(s, reg, []))
    const info = await introspect(s, reg, result.access_token)
    expect(info.active).toBe(true)
    expect(info.aud).toBeUndefined()
  })

  it('RFC 8707 §2 / RFC 6750 §3.1: verifyAccessToken({ resource }) accepts a token for it and refuses one for another or for none', async () => {
    const { s, reg } = await machine()
    const tokenFor = async (resources: string[]) =>
      (await oauth.processClientCredentialsResponse(as, reg.client, await clientCredentials(s, reg, resources))).access_token
    const good = await s.provider.verifyAccessToken(bearer(await tokenFor([MCP])), { resource: MCP })
    expect(good).toMatchObject({ client_id: reg.client.client_id, audience: [MCP] })
    for (const token of [await tokenFor([FILES]), await tokenFor([])]) {
      const refused = await s.provider.verifyAccessToken(bearer(token), { resource: MCP })
      expect(refused).toBeInstanceOf(Response)
      expect((refused as Response).status).toBe(401)
      expect((refused as Response).headers.get('www-authenticate')).toContain('error="invalid_token"')
    }
  })

  it('RFC 8707 §2.1-2.2: the code flow binds the grant to its resources; the token request may narrow but not widen them', async () => {
    const s = setup({ resources: RESOURCES })
    const reg = await register(s)
    const all = await codeFlowFor(s, reg, [MCP, FILES])
    expect((await introspect(s, reg, all.access_token)).aud).toStrictEqual([MCP, FILES])
    const narrowed = await codeFlowFor(s, reg, [MCP, FILES], [FILES])
    expect(await introspect(s, reg, narrowed.access_token)).toMatchObject({ aud: FILES, scope: 'read write' })
    await expect(codeFlowFor(s, reg, [FILES], [MCP])).rejects.toMatchObject({ error: 'invalid_target' })
  })

  it('RFC 8707 §2.2: a refresh may narrow the audience within the grant; the refresh token keeps every resource', async () => {
    const s = setup({ resources: RESOURCES })
    const reg = await register(s)
    const tokens = await codeFlowFor(s, reg, [MCP, FILES])
    const toMcp = await refresh(s, reg, tokens.refresh_token!, { resource: MCP })
    expect(await introspect(s, reg, toMcp.access_token)).toMatchObject({ aud: MCP, scope: 'read' })
    const toAll = await refresh(s, reg, toMcp.refresh_token!)
    expect((await introspect(s, reg, toAll.access_token)).aud).toStrictEqual([MCP, FILES])
    await expect(refresh(s, reg, toAll.refresh_token!, { resource: 'https://other.example/' })).rejects.toMatchObject({
      error: 'invalid_target',
    })
  })

  it('RFC 8707 §2: an unknown resource at the authorization endpoint is redirected back as invalid_target', async () => {
    const s = setup({ resources: RESOURCES })
    const reg = await register(s)
    const started = await begin(reg.client)
    started.url.searchParams.append('resource', 'https://evil.example/')
    const response = await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } }))
    const redirect = location(response)
    expect(redirect.searchParams.get('error')).toBe('invalid_target')
    expect(redirect.searchParams.get('state')).toBe(started.state)
  })

  it('RFC 8707 §2: two spellings of one resource are one audience', async () => {
    const { s, reg } = await machine()
    const result = await oauth.processClientCredentialsResponse(
      as,
      reg.client,
      await clientCredentials(s, reg, [MCP, 'https://MCP.example:443/mcp']),
    )
    expect((await introspect(s, reg, result.access_token)).aud).toBe(MCP)
  })

  it('RFC 6749 §3.3 with RFC 8707: scopes none of the requested resources understands are refused at the authorization endpoint, before the user is asked', async () => {
    const s = setup({ resources: RESOURCES })
    const reg = await register(s)
    const started = await begin(reg.client, { scope: 'write' })
    started.url.searchParams.append('resource', MCP)
    const response = await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(location(response).searchParams.get('error')).toBe('invalid_scope')
  })

  it('RFC 8707 §2: the consent page names the resources the application asks for', async () => {
    const s = setup({ resources: RESOURCES })
    const reg = await register(s)
    const started = await begin(reg.client)
    started.url.searchParams.append('resource', MCP)
    const page = await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Tools')
    expect(html).toContain(MCP)
  })
})

describe('RFC 8707 with redeem()', () => {
  it('RFC 8707 §2.2: a code issued without resources redeems without an audience', async () => {
    const s = setup({ resources: RESOURCES })
    const reg = await register(s)
    const started = await begin(reg.client)
    const tokens = await redeem(s, reg, started, location(await authorizeAs(s, s.users.signIn('user-1'), started.url)))
    expect((await introspect(s, reg, tokens.access_token)).aud).toBeUndefined()
  })
})
