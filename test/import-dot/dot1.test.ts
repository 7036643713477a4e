import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createProvider, localAccounts } from '@grantline/core'
import { sqliteDriver } from '@grantline/node'
import { createResourceServer } from '@grantline/resource-server'
import { sqlAccountStore, sqlStorage } from '@grantline/sql'
import * as oauth from 'oauth4webapi'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar, clientCredentials, HTTP, introspect, login, oauthClient, refresh } from '../server/http-client.js'
import {
  type CreatedClient,
  cliJson,
  createWorkspace,
  DATABASE_URL,
  runCli,
  type ServerProcess,
  startServer,
  type Workspace,
} from '../server/support.js'
import type { Report } from './report.js'

/**
 * A Django OAuth Toolkit 1.x database made by DOT itself (Debian's python3-django-oauth-toolkit,
 * 1.7, on Django 3.2: its migrations, its models, its authorize and token views), imported by the
 * real `grantline import-dot`, then served by `grantline serve`: what worked against DOT works
 * against Grantline without anyone doing anything.
 */

const MAKE_DB = fileURLToPath(new URL('./dot1/make-db.sh', import.meta.url))
const ENSURE = fileURLToPath(new URL('../../scripts/ensure-dot1.mjs', import.meta.url))
const SECRET = 'a-test-secret-of-at-least-32-characters!'

/** What make_db.py made and printed. */
interface Dot1 {
  dot_version: string
  user: { id: number; username: string; password: string }
  webapp: {
    client_id: string
    client_secret: string
    redirect_uris: string[]
    legacy_redirect_uri: string
    access_token: string
    refresh_token: string
    scope: string
    expired_access_token: string
  }
  native: { client_id: string }
  service: { client_id: string; client_secret: string; access_token: string }
}

async function makeDot1(...args: string[]): Promise<Dot1> {
  const { stdout } = await promisify(execFile)(MAKE_DB, args, { timeout: 120_000 })
  return JSON.parse(stdout) as Dot1
}

describe('grantline import-dot from a database made by Django OAuth Toolkit 1.7', { timeout: 60_000 }, () => {
  let ws: Workspace
  let dot: Dot1
  let from: string
  let report: Report
  let server: ServerProcess

  beforeAll(async () => {
    // Installs Debian's package when it is missing (as root or with sudo), else says how.
    const ensured = spawnSync(process.execPath, [ENSURE], { encoding: 'utf8', timeout: 600_000 })
    if (ensured.status !== 0) throw new Error(`scripts/ensure-dot1.mjs failed:\n${ensured.stdout}${ensured.stderr}`)
    ws = await createWorkspace('sqlite')
    from = join(ws.dir, 'dot1.sqlite3')
    dot = await makeDot1('sqlite', from)
    report = await cliJson<Report>(ws, ['import-dot', '--from', from])
    server = await startServer(ws)
  }, 660_000)
  afterAll(async () => {
    await server?.stop()
    await ws?.dispose()
  })

  it('reads the database DOT 1.7 wrote as DOT 1.x: three applications, the live tokens, the user; the expired token skipped', () => {
    expect(dot.dot_version).toMatch(/^1\./)
    expect(report.source).toEqual({ dialect: 'sqlite', dot_version: '1.x' })
    expect(report.dry_run).toBe(false)
    expect(report.tables.oauth2_provider_application).toMatchObject({ read: 3, imported: 3, refused: [] })
    expect(report.tables.auth_user).toMatchObject({ read: 1, imported: 1 })
    // The authorization-code token, the client-credentials one, and the expired one.
    expect(report.tables.oauth2_provider_accesstoken).toMatchObject({ read: 3, imported: 2 })
    expect(Object.values(report.tables.oauth2_provider_accesstoken.skipped)).toEqual([1])
    expect(report.tables.oauth2_provider_refreshtoken).toMatchObject({ read: 1, imported: 1 })
    // No resource configured and none named: the report says what a resource server must do.
    expect(report.tables.oauth2_provider_accesstoken.notes).toEqual([expect.stringMatching(/^the tokens have no audience: .*--resource/)])
  })

  it('RFC 9700 §4.1.3: the redirect URI Grantline no longer allows is reported with why; the other one carries over', async () => {
    expect(report.tables.oauth2_provider_application.refused_values).toEqual([
      { id: dot.webapp.client_id, field: 'redirect_uris', value: dot.webapp.legacy_redirect_uri, why: expect.stringMatching(/loopback/) },
    ])
    const shown = await cliJson<{ redirect_uris: string[] }>(ws, ['clients', 'show', dot.webapp.client_id])
    expect(shown.redirect_uris).toEqual([dot.webapp.redirect_uris[0]])
    // The text report names it too, for whoever runs the import by hand.
    const text = await runCli(['import-dot', '--from', from, '--dry-run', '--data', ws.data, '--db', ws.db])
    expect(text.status).toBe(0)
    expect(text.stdout).toContain(`redirect_uris "${dot.webapp.legacy_redirect_uri}"`)
    expect(text.stdout).toMatch(/loopback/)
  })

  it('RFC 7662 §2.2: the live DOT access token introspects active with its user, client and scope; the expired one is inactive', async () => {
    const webapp = oauthClient(server, dot.webapp)
    expect(await introspect(webapp, dot.webapp.access_token)).toMatchObject({
      active: true,
      sub: String(dot.user.id),
      client_id: dot.webapp.client_id,
      scope: dot.webapp.scope,
    })
    expect(await introspect(webapp, dot.webapp.expired_access_token)).toStrictEqual({ active: false })
  })

  it('RFC 6750 §2.1: provider.verifyAccessToken over the imported database accepts the live DOT token, and refuses the expired one', async () => {
    const driver = sqliteDriver(ws.db)
    try {
      const provider = createProvider({
        issuer: server.issuer,
        storage: sqlStorage(driver, { dialect: 'sqlite' }),
        accounts: localAccounts(sqlAccountStore(driver), { secrets: [SECRET] }),
        secrets: [SECRET],
      })
      const bearer = (token: string) => new Request('https://api.example/data', { headers: { authorization: `Bearer ${token}` } })
      expect(await provider.verifyAccessToken(bearer(dot.webapp.access_token), { scopes: ['read'] })).toMatchObject({
        sub: String(dot.user.id),
        client_id: dot.webapp.client_id,
        scopes: ['read', 'write'],
      })
      const expired = await provider.verifyAccessToken(bearer(dot.webapp.expired_access_token))
      expect(expired).toBeInstanceOf(Response)
      expect((expired as Response).status).toBe(401)
    } finally {
      await driver.close?.()
    }
  })

  it('RFC 6749 §2.3.1: the DOT 1.x client secret (plaintext in DOT) authenticates by HTTP Basic; a wrong one is 401 invalid_client', async () => {
    const webapp = oauthClient(server, dot.webapp)
    const wrong = await oauth.introspectionRequest(
      webapp.as,
      webapp.client,
      oauth.ClientSecretBasic('wrong'),
      dot.webapp.access_token,
      HTTP,
    )
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' })
    const service = oauthClient(server, dot.service)
    expect(await introspect(service, dot.service.access_token)).toMatchObject({ active: true, client_id: dot.service.client_id })
  })

  it('RFC 6749 §6: the refresh token DOT issued refreshes, with the same scope and user', async () => {
    const webapp = oauthClient(server, dot.webapp)
    const tokens = await refresh(webapp, dot.webapp.refresh_token)
    expect(tokens.scope).toBe(dot.webapp.scope)
    expect(tokens.refresh_token).toMatch(/^gl_rt_/)
    expect(await introspect(webapp, tokens.access_token)).toMatchObject({ active: true, sub: String(dot.user.id) })
  })

  it("the user DOT's Django made logs in on the login page with the old password, and not with a wrong one", async () => {
    expect((await login(server, new CookieJar(), dot.user.username, dot.user.password)).status).toBe(303)
    expect((await login(server, new CookieJar(), dot.user.username, `${dot.user.password}x`)).status).not.toBe(303)
  })
})

describe('grantline import-dot from a DOT 1.7 PostgreSQL database, for one resource, secrets both ways', { timeout: 60_000 }, () => {
  const name = `dot1_${randomBytes(6).toString('hex')}`
  let ws: Workspace
  let dot: Dot1
  let server: ServerProcess
  let report: Report
  // The one resource the server is configured for: the imported tokens are for it.
  const API = 'https://api.example/data'
  const config = { resources: [{ uri: API }] }

  beforeAll(async () => {
    const ensured = spawnSync(process.execPath, [ENSURE], { encoding: 'utf8', timeout: 600_000 })
    if (ensured.status !== 0) throw new Error(`scripts/ensure-dot1.mjs failed:\n${ensured.stdout}${ensured.stderr}`)
    dot = await makeDot1('postgres', name)
    ws = await createWorkspace('sqlite')
    const url = new URL(DATABASE_URL)
    url.pathname = `/${name}`
    report = await cliJson<Report>(ws, ['import-dot', '--from', url.toString(), '--config', ws.config(config)])
    expect(report.source).toEqual({ dialect: 'postgres', dot_version: '1.x' })
    expect(report.tables.oauth2_provider_accesstoken).toMatchObject({ read: 3, imported: 2 })
    server = await startServer(ws, { config })
  }, 660_000)
  afterAll(async () => {
    await server?.stop()
    await ws?.dispose()
    const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} })
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end({ timeout: 5 })
  })

  it('RFC 8707 §2 / RFC 9068 §4: the DOT token is for the one configured resource, and @grantline/resource-server for it accepts it', async () => {
    expect(report.tables.oauth2_provider_accesstoken.notes).toEqual([`the tokens are for ${API} (their audience; a refresh keeps it)`])
    const rsClient = await cliJson<CreatedClient>(ws, [
      'clients',
      'create',
      '--name',
      'API',
      '--grant-type',
      'client_credentials',
      '--introspection',
      '--config',
      ws.config(config),
    ])
    const resourceServer = (resource: string) =>
      createResourceServer({
        resource,
        introspection: {
          endpoint: `${server.issuer}/introspect/`,
          clientId: rsClient.client_id,
          clientSecret: rsClient.client_secret ?? '',
        },
        authorizationServers: [server.issuer],
      })
    const bearer = (token: string) => new Request(API, { headers: { authorization: `Bearer ${token}` } })
    expect(await resourceServer(API).verify(bearer(dot.webapp.access_token), { scopes: ['read'] })).toMatchObject({
      sub: String(dot.user.id),
      client_id: dot.webapp.client_id,
      audience: [API],
    })
    // A resource the token was not imported for still refuses it (RFC 8707 §2: audience restriction).
    const elsewhere = await resourceServer('https://other.example/api').verify(bearer(dot.webapp.access_token))
    expect(elsewhere).toBeInstanceOf(Response)
    expect((elsewhere as Response).status).toBe(401)
  })

  it('RFC 6749 §2.3.1: the imported client takes its secret by HTTP Basic and in the body, as DOT did; clients show says so', async () => {
    const basic = oauthClient(server, dot.service)
    const post = { ...basic, auth: oauth.ClientSecretPost(dot.service.client_secret) }
    for (const c of [basic, post]) {
      expect(await introspect(c, dot.service.access_token)).toMatchObject({ active: true, client_id: dot.service.client_id })
    }
    const shown = await cliJson<{ token_endpoint_auth_method: string; metadata: Record<string, unknown> }>(ws, [
      'clients',
      'show',
      dot.service.client_id,
    ])
    expect(shown).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      metadata: { secret_methods: ['client_secret_basic', 'client_secret_post'] },
    })
    const text = await runCli(['clients', 'show', dot.service.client_id, '--data', ws.data, '--db', ws.db])
    expect(text.stdout).toContain('(client_secret_basic or client_secret_post (secret_methods))')
  })

  it('RFC 7591 §2: a client registered with one token_endpoint_auth_method refuses the other way of sending its secret', async () => {
    const made = await cliJson<CreatedClient>(ws, ['clients', 'create', '--name', 'plain', '--grant-type', 'client_credentials'])
    const basic = oauthClient(server, made)
    expect((await clientCredentials(basic)).access_token).toMatch(/^gl_at_/)
    const post = await oauth.clientCredentialsGrantRequest(
      basic.as,
      basic.client,
      oauth.ClientSecretPost(made.client_secret ?? ''),
      {},
      HTTP,
    )
    expect(post.status).toBe(400)
    expect(await post.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('RFC 7591 §2: clients update --no-both-secret-methods leaves an imported client its one method', async () => {
    const id = dot.webapp.client_id
    const updated = await cliJson<{ metadata: Record<string, unknown> }>(ws, ['clients', 'update', id, '--no-both-secret-methods'])
    expect(updated.metadata.secret_methods).toBeUndefined()
    const basic = oauthClient(server, dot.webapp)
    const post = { ...basic, auth: oauth.ClientSecretPost(dot.webapp.client_secret) }
    const refused = await oauth.introspectionRequest(post.as, post.client, post.auth, dot.webapp.access_token, HTTP)
    // RFC 7662 §2.3: introspection answers invalid_client with 401 and a Basic challenge.
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ error: 'invalid_client' })
    expect(await introspect(basic, dot.webapp.access_token)).toMatchObject({ active: true })
    await cliJson(ws, ['clients', 'update', id, '--both-secret-methods'])
    expect(await introspect(post, dot.webapp.access_token)).toMatchObject({ active: true })
  })

  it('RFC 6749 §2.3.1: the DOT 1.x client secret authenticates in the body (client_secret_post), as DOT accepted it', async () => {
    const service = { ...oauthClient(server, dot.service), auth: oauth.ClientSecretPost(dot.service.client_secret) }
    expect(await introspect(service, dot.service.access_token)).toMatchObject({
      active: true,
      client_id: dot.service.client_id,
      scope: 'read',
    })
    const response = await oauth.clientCredentialsGrantRequest(service.as, service.client, service.auth, { scope: 'read' }, HTTP)
    expect((await oauth.processClientCredentialsResponse(service.as, service.client, response)).access_token).toMatch(/^gl_at_/)
  })

  it('RFC 6749 §6: the DOT refresh token from PostgreSQL refreshes, the client authenticating in the body', async () => {
    const webapp = { ...oauthClient(server, dot.webapp), auth: oauth.ClientSecretPost(dot.webapp.client_secret) }
    const refreshed = await refresh(webapp, dot.webapp.refresh_token)
    expect(refreshed.scope).toBe(dot.webapp.scope)
    // The new access token keeps the imported grant's audience (RFC 8707 §2.2).
    expect(await introspect(webapp, refreshed.access_token)).toMatchObject({ active: true, aud: API })
  })
})
