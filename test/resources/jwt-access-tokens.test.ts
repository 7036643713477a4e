import { randomBytes } from 'node:crypto'
import { createProvider, memoryStorage, type ProviderConfig } from '@grantline/core'
import { createResourceServer } from '@grantline/resource-server'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, begin, introspect, location, type Registered, redeem, refresh, register, revoke, via } from '../e2e/support.js'
import { authorizeAs, basic, form, ISSUER, REDIRECT_URI, SECRET, setup } from '../support/provider.js'

const MCP = 'https://mcp.example/mcp'
const FILES = 'https://files.example/api'
const KEY_ENCRYPTION_KEY = randomBytes(32).toString('base64url')
const RESOURCES: ProviderConfig['resources'] = [
  { uri: MCP, name: 'Tools', accessToken: { format: 'jwt' } },
  { uri: FILES, name: 'Files' },
]

type S = ReturnType<typeof setup>

/**
 * A provider with OpenID Connect (its keys sign the tokens) and an MCP resource that wants JWT
 * access tokens. The clock starts at the real time: oauth4webapi checks exp and iat against it.
 */
function jwtSetup(overrides: Partial<ProviderConfig> = {}) {
  const s = setup({ oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256' }, resources: RESOURCES, ...overrides })
  s.clock.set(Math.floor(Date.now() / 1000) * 1000)
  return s
}

const JWKS_URI = `${ISSUER}/.well-known/jwks.json`

const bearer = (token: string, url = MCP) => new Request(url, { headers: { authorization: `Bearer ${token}` } })

/**
 * What a resource server learns from the JWT alone: oauth4webapi's RFC 9068 §4 validation, with
 * the server metadata's JWKS (RFC 8414 §2) fetched from the provider. A new metadata object each
 * time: oauth4webapi caches a JWKS per metadata object, and each test has its own keys.
 */
function validate(s: S, token: string, audience = MCP) {
  const server: oauth.AuthorizationServer = { ...as, jwks_uri: JWKS_URI }
  return oauth.validateJwtAccessToken(server, bearer(token, audience), audience, via(s))
}

async function clientCredentials(s: S, reg: Registered, resources: string[], scope = 'read') {
  const params = new URLSearchParams({ scope })
  for (const resource of resources) params.append('resource', resource)
  const response = await oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, params, via(s))
  return oauth.processClientCredentialsResponse(as, reg.client, response)
}

async function machine(s: S) {
  return register(s, { grant_types: ['client_credentials'] })
}

/** A code flow for user-1 whose authorization request names `resources` (RFC 8707 §2.1). */
async function codeFlowFor(s: S, reg: Registered, resources: string[], scope = 'read') {
  const started = await begin(reg.client, { scope })
  for (const resource of resources) started.url.searchParams.append('resource', resource)
  return redeem(s, reg, started, location(await authorizeAs(s, s.users.signIn('user-1'), started.url)))
}

describe('RFC 9068 JWT access tokens, per resource', () => {
  it('RFC 9068 §2.1, §2.2: client_credentials for a jwt resource gets an at+jwt a resource server validates, sub the client', async () => {
    const s = jwtSetup()
    const reg = await machine(s)
    const result = await clientCredentials(s, reg, [MCP])
    const header = decodeProtectedHeader(result.access_token)
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' })
    const jwks = (await (await s.fetch(JWKS_URI)).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((key) => key.kid)).toContain(header.kid)
    const claims = await validate(s, result.access_token)
    const now = Math.floor(s.clock.now() / 1000)
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: MCP,
      sub: reg.client.client_id,
      client_id: reg.client.client_id,
      iat: now,
      scope: 'read',
    })
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{16,}$/)
    expect(claims.auth_time).toBeUndefined()
  })

  it('RFC 9068 §2.2: a JWT access token lives 5 minutes by default, or its resource’s accessToken.ttl', async () => {
    const s = jwtSetup()
    const result = await clientCredentials(s, await machine(s), [MCP])
    expect(result.expires_in).toBe(300)
    const claims = decodeJwt(result.access_token)
    expect(claims.exp! - claims.iat!).toBe(300)
    const t = jwtSetup({ resources: [{ uri: MCP, accessToken: { format: 'jwt', ttl: 120 } }] })
    const shorter = await clientCredentials(t, await machine(t), [MCP])
    expect(shorter.expires_in).toBe(120)
    expect(decodeJwt(shorter.access_token).exp).toBe(Math.floor(t.clock.now() / 1000) + 120)
  })

  it('RFC 9068 §2.2, §2.2.1: the code flow’s JWT names the user, when they authenticated, and the token’s scope', async () => {
    const s = jwtSetup()
    const reg = await register(s)
    const tokens = await codeFlowFor(s, reg, [MCP])
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt')
    const claims = await validate(s, tokens.access_token)
    expect(claims).toMatchObject({ iss: ISSUER, aud: MCP, sub: 'user-1', client_id: reg.client.client_id, scope: 'read' })
    expect(claims.auth_time).toBeTypeOf('number')
  })

  it('RFC 9068 §2.2: a token for a jwt and an opaque resource is a JWT whose aud names both', async () => {
    const s = jwtSetup()
    const result = await clientCredentials(s, await machine(s), [MCP, FILES])
    expect((await validate(s, result.access_token)).aud).toStrictEqual([MCP, FILES])
    expect((await validate(s, result.access_token, FILES)).aud).toStrictEqual([MCP, FILES])
  })

  it('RFC 9068 §2.2, RFC 6749 §4.2.2: the implicit response’s access token for a jwt resource is a JWT for the user', async () => {
    const s = jwtSetup({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit'] })
    const reg = await register(s, { grant_types: ['implicit'], response_types: ['token'], client_type: 'public' })
    const url = new URL(as.authorization_endpoint!)
    const query = {
      client_id: reg.client.client_id,
      response_type: 'token',
      redirect_uri: REDIRECT_URI,
      state: 's',
      scope: 'read',
      resource: MCP,
    }
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
    const fragment = new URLSearchParams(location(await authorizeAs(s, s.users.signIn('user-2'), url)).hash.slice(1))
    const claims = await validate(s, fragment.get('access_token') ?? '')
    expect(claims).toMatchObject({ sub: 'user-2', aud: MCP, client_id: reg.client.client_id, scope: 'read' })
    expect(fragment.get('expires_in')).toBe('300')
  })

  it('RFC 9068 §2.2, RFC 6749 §4.3: the password grant’s access token for a jwt resource is a JWT for the user', async () => {
    const s = jwtSetup({ grantTypes: ['password', 'refresh_token'] })
    const reg = await register(s, { grant_types: ['password', 'refresh_token'] })
    const { headers, ...init } = form({
      grant_type: 'password',
      username: 'alice',
      password: 'correct horse',
      scope: 'read',
      resource: MCP,
    })
    const response = await s.fetch(`${ISSUER}/token/`, {
      ...init,
      headers: { ...headers, authorization: basic(reg.client.client_id, reg.secret!) },
    })
    expect(response.status).toBe(200)
    const result = (await response.json()) as { access_token: string }
    expect(await validate(s, result.access_token)).toMatchObject({ sub: 'user-1', aud: MCP, auth_time: Math.floor(s.clock.now() / 1000) })
  })

  it('RFC 9068 §2: an opaque resource, or no resource, still gets an opaque token', async () => {
    const s = jwtSetup()
    const reg = await machine(s)
    for (const resources of [[FILES], []]) {
      const result = await clientCredentials(s, reg, resources)
      expect(result.access_token).toMatch(/^gl_at_/)
      expect(result.expires_in).toBe(3600)
    }
  })

  it('RFC 7662 §2.2: a JWT access token is introspected by its hash, and same-process and remote resource servers accept it', async () => {
    const s = jwtSetup()
    const reg = await machine(s)
    const token = (await clientCredentials(s, reg, [MCP])).access_token
    expect(await introspect(s, reg, token)).toMatchObject({ active: true, aud: MCP, scope: 'read', client_id: reg.client.client_id })
    expect(await s.provider.verifyAccessToken(bearer(token), { resource: MCP })).toMatchObject({ client_id: reg.client.client_id })
    const sameProcess = createResourceServer({ resource: MCP, provider: s.provider })
    expect(await sameProcess.verify(bearer(token))).toMatchObject({ audience: [MCP] })
    const rs = await s.provider.clients.create({ client_name: 'MCP server', grant_types: ['client_credentials'], introspection: true })
    const remote = createResourceServer({
      resource: MCP,
      introspection: { endpoint: `${ISSUER}/introspect/`, clientId: rs.client.client_id, clientSecret: rs.client_secret ?? '' },
      authorizationServers: [ISSUER],
      fetch: (input, init) => s.provider.handle(new Request(input, init)),
      now: s.clock.now,
    })
    expect(await remote.verify(bearer(token))).toMatchObject({ client_id: reg.client.client_id, audience: [MCP] })
  })

  it('RFC 7009 §2.2: a revoked JWT access token is inactive at introspection and refused by verifyAccessToken', async () => {
    const s = jwtSetup()
    const reg = await machine(s)
    const token = (await clientCredentials(s, reg, [MCP])).access_token
    await revoke(s, reg, token)
    expect(await introspect(s, reg, token)).toStrictEqual({ active: false })
    const refused = await s.provider.verifyAccessToken(bearer(token), { resource: MCP })
    expect(refused).toBeInstanceOf(Response)
    expect((refused as Response).status).toBe(401)
  })

  it('RFC 9068 §2.2, RFC 6749 §6: a refresh issues a new JWT access token for the grant’s jwt resource', async () => {
    const s = jwtSetup()
    const reg = await register(s)
    const first = await codeFlowFor(s, reg, [MCP])
    const next = await refresh(s, reg, first.refresh_token!)
    expect(next.access_token).not.toBe(first.access_token)
    const claims = await validate(s, next.access_token)
    expect(claims).toMatchObject({ sub: 'user-1', aud: MCP, client_id: reg.client.client_id })
    expect(claims.jti).not.toBe(decodeJwt(first.access_token).jti)
    expect(await introspect(s, reg, next.access_token)).toMatchObject({ active: true, aud: MCP })
  })

  it('RFC 9068 §2.2, RFC 8707 §2.2: a token request narrowed to the opaque resource gets an opaque token', async () => {
    const s = jwtSetup()
    const reg = await register(s)
    const first = await codeFlowFor(s, reg, [MCP, FILES])
    expect(decodeJwt(first.access_token).aud).toStrictEqual([MCP, FILES])
    const narrowed = await refresh(s, reg, first.refresh_token!, { resource: FILES })
    expect(narrowed.access_token).toMatch(/^gl_at_/)
  })

  it('RFC 9068 §2.1: with no signing key a JWT cannot be signed, so the request fails and nothing is issued', async () => {
    const stored: string[] = []
    const inner = memoryStorage()
    const storage = new Proxy(inner, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver)
        if (typeof value !== 'function') return value
        return (...args: unknown[]) => {
          if (property === 'issueTokens') stored.push(property)
          return value.apply(target, args)
        }
      },
    })
    const oidc = { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256' as const, createKeysOnDemand: false }
    const s = setup({ oidc, resources: RESOURCES }, storage)
    const reg = await machine(s)
    const params = new URLSearchParams({ scope: 'read', resource: MCP })
    const response = await oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, params, via(s))
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ error: 'server_error' })
    expect(stored).toStrictEqual([])
    // The same request for the opaque resource needs no key.
    params.set('resource', FILES)
    expect((await oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, params, via(s))).status).toBe(200)
    expect(stored).toStrictEqual(['issueTokens'])
  })

  it('RFC 9068 §4: a rotated-out key stays in the JWKS as long as the longest-lived JWT access token it signed', async () => {
    const s = jwtSetup({ resources: [{ uri: MCP, accessToken: { format: 'jwt', ttl: 3 * 3600 } }] })
    const reg = await register(s)
    const { access_token } = await codeFlowFor(s, reg, [MCP])
    const { kid } = decodeProtectedHeader(access_token)
    const keysAt = async () => ((await (await s.fetch(JWKS_URI)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid)
    const rotated = await s.provider.rotateSigningKey()
    // The new key signs from its activation; the old one must be published until the token expires.
    s.clock.set((rotated.activate_at + 2 * 3600) * 1000)
    expect(await keysAt()).toContain(kid)
    s.clock.set((rotated.activate_at + 3 * 3600 + 1) * 1000)
    expect(await keysAt()).not.toContain(kid)
  })

  it('RFC 9068 §2.1: a jwt resource without oidc is a coded ConfigError at start-up', () => {
    const config = { issuer: ISSUER, storage: memoryStorage(), accounts: setup().users.accounts, secrets: [SECRET] }
    expect(() => createProvider({ ...config, resources: RESOURCES })).toThrow(
      expect.objectContaining({ name: 'ConfigError', code: 'ERR_OIDC_DISABLED' }),
    )
    expect(() => createProvider({ ...config, resources: [{ uri: MCP, accessToken: { format: 'opaque', ttl: 60 } }] })).not.toThrow()
    expect(() => createProvider({ ...config, resources: [{ uri: MCP, accessToken: { format: 'jws' as 'jwt' } }] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG' }),
    )
  })
})
