import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { clientCredentials, codeFlow, HTTP, introspect, oauthClient, passwordGrant, refresh, revoke } from './http-client.js'
import {
  BACKENDS,
  type CreatedClient,
  createClient,
  createUser,
  createWorkspace,
  type ServerProcess,
  startServer,
  stopAllServers,
  WITH_PASSWORD,
  type Workspace,
} from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const ALICE = { username: 'alice', password: 'correct horse battery staple' }

/**
 * The e2e flows of test/e2e, but through a real `grantline serve` process over HTTP, with the real
 * fetch, a real login form and consent page, and the SQL storage: once on SQLite, once on PostgreSQL.
 */
describe.each(BACKENDS)('grantline serve over HTTP on %s', (backend) => {
  let ws: Workspace
  let server: ServerProcess
  let aliceSub: string
  let web: CreatedClient
  let machine: CreatedClient

  beforeAll(async () => {
    ws = await createWorkspace(backend)
    aliceSub = (await createUser(ws, ALICE.username, ALICE.password)).sub
    web = await createClient(ws, 'Web app', ['authorization_code', 'refresh_token'])
    machine = await createClient(ws, 'Batch job', ['client_credentials'], ['--scope', 'read'])
    server = await startServer(ws)
  })

  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it('RFC 6749 §4.1 / RFC 7636: code flow with S256 PKCE through the login form and the consent page', async () => {
    const c = oauthClient(server, web)
    const { tokens, redirect } = await codeFlow(c, server, ALICE)
    expect(redirect.searchParams.get('iss')).toBe(server.issuer)
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read write' })
    expect(tokens.access_token).toMatch(/^gl_at_[A-Za-z0-9_-]{43}$/)
    expect(tokens.refresh_token).toMatch(/^gl_rt_[A-Za-z0-9_-]{43}$/)
    expect(await introspect(c, tokens.access_token)).toMatchObject({
      active: true,
      sub: aliceSub,
      username: 'alice',
      client_id: web.client_id,
      iss: server.issuer,
    })
  })

  it('RFC 9700 §4.14.2: a refresh rotates the token; reusing the old one is invalid_grant and ends the grant', async () => {
    const c = oauthClient(server, web)
    const { tokens } = await codeFlow(c, server, ALICE)
    const next = await refresh(c, tokens.refresh_token as string)
    expect(next.refresh_token).not.toBe(tokens.refresh_token)
    expect(await introspect(c, next.access_token)).toMatchObject({ active: true, sub: aliceSub })

    await expect(refresh(c, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant', status: 400 })
    for (const token of [tokens.access_token, next.access_token, next.refresh_token as string]) {
      expect(await introspect(c, token)).toStrictEqual({ active: false })
    }
  })

  it('RFC 7009 §2.1: revoking the refresh token ends its grant; an unknown token answers 200', async () => {
    const c = oauthClient(server, web)
    const { tokens } = await codeFlow(c, server, ALICE)
    expect(await revoke(c, tokens.refresh_token as string)).toBeUndefined()
    expect(await introspect(c, tokens.access_token)).toStrictEqual({ active: false })
    await expect(refresh(c, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
    expect(await revoke(c, 'gl_at_not-a-token-anyone-issued')).toBeUndefined()
  })

  it('RFC 7662 §2.2: another client learns nothing about a token; an unknown token is {active: false}', async () => {
    const c = oauthClient(server, web)
    const { tokens } = await codeFlow(c, server, ALICE, 'read')
    expect(await introspect(c, tokens.access_token)).toMatchObject({ active: true, scope: 'read', token_type: 'Bearer' })
    expect(await introspect(oauthClient(server, machine), tokens.access_token)).toStrictEqual({ active: false })
    expect(await introspect(c, 'gl_at_not-a-token-anyone-issued')).toStrictEqual({ active: false })
  })

  it('RFC 6749 §4.4: client_credentials issues a token for the client itself, without a refresh token', async () => {
    const c = oauthClient(server, machine)
    const tokens = await clientCredentials(c)
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read' })
    expect(tokens.refresh_token).toBeUndefined()
    const info = await introspect(c, tokens.access_token)
    expect(info).toMatchObject({ active: true, client_id: machine.client_id, scope: 'read' })
    expect(info.sub).toBeUndefined()
  })

  it('RFC 6749 §4.3 / RFC 9700 §2.4: the password grant is off by default and enabled by --config', async () => {
    const app = await createClient(ws, 'Legacy app', ['password', 'refresh_token'])
    await expect(passwordGrant(oauthClient(server, app), ALICE.username, ALICE.password)).rejects.toMatchObject({
      error: 'unsupported_grant_type',
    })
    // A second process on the same database, started with the password grant enabled.
    const enabled = await startServer(ws, { config: WITH_PASSWORD })
    const c = oauthClient(enabled, app)
    const tokens = await passwordGrant(c, ALICE.username, ALICE.password)
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read write' })
    expect(tokens.refresh_token).toMatch(/^gl_rt_/)
    await expect(passwordGrant(c, ALICE.username, 'not the password')).rejects.toMatchObject({ error: 'invalid_grant' })
    // Both processes share the storage: the first one knows the token the second issued.
    expect(await introspect(oauthClient(server, app), tokens.access_token)).toMatchObject({ active: true, sub: aliceSub })
    expect(await enabled.stop()).toBe(0)
  })

  it('OIDC Core §3.1.3.3: with {"oidc": {}} in --config, discovery is served and the code flow returns a signed ID Token', async () => {
    const oidc = await startServer(ws, { config: { oidc: {} } })
    const issuer = new URL(oidc.issuer)
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...HTTP, algorithm: 'oidc' }))
    expect(as).toMatchObject({ issuer: oidc.issuer, jwks_uri: `${oidc.issuer}/.well-known/jwks.json` })
    const c = { ...oauthClient(oidc, web), as }
    const { tokens } = await codeFlow(c, oidc, ALICE, 'openid read')
    const claims = oauth.getValidatedIdTokenClaims(tokens)
    expect(claims).toMatchObject({ iss: oidc.issuer, sub: aliceSub, aud: web.client_id })
    // The key that signed it is the one published at jwks_uri.
    const verified = await jwtVerify(tokens.id_token as string, createRemoteJWKSet(new URL(as.jwks_uri as string)), { issuer: oidc.issuer })
    expect(verified.payload.sub).toBe(aliceSub)
    expect(await oidc.stop()).toBe(0)
  })
})
