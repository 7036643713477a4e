import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { createProvider, localAccounts } from '@grantline/core'
import { sqliteDriver } from '@grantline/node'
import { sqlAccountStore, sqlStorage } from '@grantline/sql'
import Database from 'better-sqlite3'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, HTTP, introspect, login, oauthClient, refresh } from '../server/http-client.js'
import { createWorkspace, runCli, type ServerProcess, startServer, type Workspace } from '../server/support.js'
import { appendDot3Sqlite, type Dot3Data, dot3Data, generateToken, sha256, writeDot3Sqlite } from './dot3-database.js'
import type { Report } from './report.js'

// Each test runs the real CLI, and grantline serve, as child processes on a shared machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/**
 * `grantline import-dot` from a DOT 3.x SQLite database, run as the real CLI, then `grantline
 * serve` on the imported data with real HTTP clients: what worked against DOT works against
 * Grantline without anyone doing anything.
 */
describe('grantline import-dot from a DOT 3.x SQLite database', () => {
  let ws: Workspace
  let dot: Dot3Data
  let from: string
  let server: ServerProcess
  let first: Report

  const importDot = async (...more: string[]) => {
    const result = await runCli(['import-dot', '--from', from, '--data', ws.data, '--db', ws.db, '--json', ...more])
    if (result.status !== 0) throw new Error(`import-dot exited ${result.status}: ${result.stderr}`)
    return JSON.parse(result.stdout) as Report
  }

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    dot = dot3Data()
    from = join(ws.dir, 'dot.sqlite3')
    writeDot3Sqlite(from, dot.rows)
  })
  afterAll(async () => {
    await server?.stop()
    await ws?.dispose()
  })

  it('--dry-run reports what it would import and writes no row', async () => {
    const report = await importDot('--dry-run')
    expect(report.dry_run).toBe(true)
    expect(report.tables.oauth2_provider_application.imported).toBe(4)
    expect(report.tables.oauth2_provider_accesstoken.imported).toBe(4)
    const clients = await runCli(['clients', 'list', '--json', '--data', ws.data, '--db', ws.db])
    expect(JSON.parse(clients.stdout)).toStrictEqual([])
    const users = await runCli(['users', 'list', '--json', '--data', ws.data, '--db', ws.db])
    expect(JSON.parse(users.stdout)).toStrictEqual([])
    const db = new Database(ws.db, { readonly: true })
    expect(db.prepare('SELECT COUNT(*) AS n FROM access_tokens').get()).toStrictEqual({ n: 0 })
    db.close()
  })

  it("--refresh-token-expire-seconds (DOT's REFRESH_TOKEN_EXPIRE_SECONDS) skips the refresh tokens that had expired in DOT", async () => {
    // The fixture's refresh tokens were made an hour ago.
    const report = await importDot('--dry-run', '--refresh-token-expire-seconds', '1800')
    expect(report.tables.oauth2_provider_refreshtoken).toMatchObject({ imported: 0, skipped: { revoked: 2, expired: 6 } })
    // Their access tokens, unpaired now, still import on their own when they are live.
    expect(report.tables.oauth2_provider_accesstoken.imported).toBe(4)
  })

  it('imports in one run and reports, per table, what it imported, skipped and refused with why', async () => {
    first = await importDot()
    expect(first.source).toStrictEqual({ dialect: 'sqlite', dot_version: '3.x' })
    const t = first.tables
    expect(t.auth_user).toMatchObject({ read: 3, imported: 2, already_present: 0 })
    expect(t.auth_user.refused).toStrictEqual([{ id: 'bob', why: expect.stringMatching(/inactive/) }])
    expect(t.auth_user.notes).toStrictEqual([expect.stringMatching(/^carol: the password hash is argon2/)])
    expect(t.oauth2_provider_application).toMatchObject({ read: 5, imported: 4 })
    expect(t.oauth2_provider_accesstoken).toMatchObject({ read: 7, imported: 4, skipped: { expired: 1 } })
    expect(t.oauth2_provider_accesstoken.refused.map((r) => r.why).sort()).toStrictEqual([
      'its application (id 5) is not imported',
      'its user (id 2) is not imported',
    ])
    expect(t.oauth2_provider_refreshtoken).toMatchObject({ read: 8, imported: 7, skipped: { revoked: 1 }, refused: [] })
    expect(t.oauth2_provider_refreshtoken.notes).toStrictEqual([
      expect.stringMatching(/^1 refresh tokens DOT had rotated away are kept as used/),
    ])
    expect(t.oauth2_provider_grant).toMatchObject({ read: 1, imported: 0 })
    expect(Object.values(t.oauth2_provider_grant.skipped)).toStrictEqual([1])
    expect(t.oauth2_provider_idtoken).toMatchObject({ read: 1, imported: 0 })
  })

  it('RFC 9700 §4.1.3: a redirect URI no longer allowed is reported with why, never dropped silently', () => {
    const t = first.tables.oauth2_provider_application
    expect(t.refused_values).toStrictEqual([
      {
        id: 'dotPlainClient',
        field: 'redirect_uris',
        value: 'http://app.example/insecure',
        why: expect.stringMatching(/http only on a loopback host/),
      },
    ])
    expect(t.refused).toStrictEqual([{ id: 'dotLegacyClient', why: expect.stringMatching(/no allowed redirect URI is left/) }])
  })

  it('keeps a DOT 2+ Django-hashed client secret as it is, and hashes a plaintext one to SHA-256 hex', () => {
    const db = new Database(ws.db, { readonly: true })
    const secret = (id: string) =>
      (db.prepare('SELECT secret_hash FROM clients WHERE client_id = ?').get(id) as { secret_hash: string }).secret_hash
    expect(secret(dot.hashed.client_id)).toBe(dot.hashed.stored)
    expect(secret(dot.plain.client_id)).toMatch(/^[0-9a-f]{64}$/)
    expect(secret(dot.native.client_id)).toBeNull()
    db.close()
  })

  it('a second run is idempotent: everything is already present, nothing is written twice', async () => {
    const again = await importDot()
    for (const [name, table] of Object.entries(again.tables)) {
      expect(table.imported, name).toBe(0)
      expect(table.already_present, name).toBe((first.tables as Record<string, { imported: number }>)[name]?.imported)
    }
  })

  it('a run after DOT issued more tokens adds only those, and they work like the others', async () => {
    const token = generateToken()
    const now = Date.now()
    appendDot3Sqlite(from, {
      oauth2_provider_accesstoken: [
        {
          id: 8,
          token,
          token_checksum: sha256(token),
          expires: new Date(now + 3600_000),
          scope: 'read',
          application_id: 4,
          user_id: null,
          created: new Date(now),
          updated: new Date(now),
          source_refresh_token_id: null,
          id_token_id: null,
        },
      ],
    })
    const later = await importDot()
    expect(later.tables.oauth2_provider_accesstoken).toMatchObject({ imported: 1, already_present: 4 })
    expect(later.tables.oauth2_provider_refreshtoken).toMatchObject({ imported: 0, already_present: 7 })
    dot.tokens.service = token
  })

  describe('grantline serve on the imported data', () => {
    beforeAll(async () => {
      server = await startServer(ws)
    })

    it('RFC 7662 §2.2: a live DOT access token is active at introspection, with the user DOT named in sub', async () => {
      const plain = oauthClient(server, dot.plain)
      expect(await introspect(plain, dot.tokens.live)).toMatchObject({
        active: true,
        client_id: dot.plain.client_id,
        sub: dot.alice.sub,
        scope: 'openid read write',
      })
      expect(await introspect(plain, dot.tokens.expired)).toStrictEqual({ active: false })
      const service = oauthClient(server, dot.service)
      expect(await introspect(service, dot.tokens.service)).toMatchObject({ active: true, client_id: dot.service.client_id })
    })

    it('RFC 6750 §2.1: a live DOT access token is accepted as a Bearer token (userinfo)', async () => {
      const response = await fetch(`${server.issuer}/userinfo/`, { headers: { authorization: `Bearer ${dot.tokens.live}` } })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ sub: dot.alice.sub })
    })

    it('RFC 6750 §2.1: provider.verifyAccessToken over the imported database accepts the DOT token, with its user and scopes', async () => {
      const driver = sqliteDriver(ws.db)
      try {
        const provider = createProvider({
          issuer: server.issuer,
          storage: sqlStorage(driver, { dialect: 'sqlite' }),
          accounts: localAccounts(sqlAccountStore(driver), { secrets: ['a-test-secret-of-at-least-32-characters!'] }),
          secrets: ['a-test-secret-of-at-least-32-characters!'],
        })
        const verified = await provider.verifyAccessToken(
          new Request('https://api.example/data', { headers: { authorization: `Bearer ${dot.tokens.live}` } }),
          { scopes: ['read'] },
        )
        expect(verified).toMatchObject({ sub: dot.alice.sub, client_id: dot.plain.client_id, scopes: ['openid', 'read', 'write'] })
      } finally {
        await driver.close?.()
      }
    })

    it('RFC 6749 §6: a DOT refresh token refreshes, also when its access token has expired, and for a public client', async () => {
      const plain = oauthClient(server, dot.plain)
      const tokens = await refresh(plain, dot.tokens.orphanRefresh)
      expect(tokens.scope).toBe('read')
      expect(await introspect(plain, tokens.access_token)).toMatchObject({ active: true, sub: dot.alice.sub })
      const live = await refresh(plain, dot.tokens.liveRefresh)
      expect(live.refresh_token).toMatch(/^gl_rt_/)
      const native = oauthClient(server, { client_id: dot.native.client_id, client_secret: null })
      expect((await refresh(native, dot.tokens.nativeRefresh)).access_token).toMatch(/^gl_at_/)
    })

    it('RFC 6749 §6: a refresh token DOT had revoked stays refused', async () => {
      const plain = oauthClient(server, dot.plain)
      await expect(refresh(plain, dot.tokens.revokedRefresh)).rejects.toMatchObject({ error: 'invalid_grant' })
    })

    it('RFC 9700 §4.14.2: a refresh token DOT 3 had rotated away, replayed after the import, ends the grant of its chain', async () => {
      const plain = oauthClient(server, dot.plain)
      expect(await introspect(plain, dot.tokens.chainLive)).toMatchObject({ active: true })
      await expect(refresh(plain, dot.tokens.chainOld)).rejects.toMatchObject({ error: 'invalid_grant' })
      expect(await introspect(plain, dot.tokens.chainLive)).toStrictEqual({ active: false })
      await expect(refresh(plain, dot.tokens.chainLive)).rejects.toMatchObject({ error: 'invalid_grant' })
    })

    it('RFC 6749 §2.3.1: the DOT client secret authenticates by HTTP Basic, and a wrong one does not', async () => {
      const plain = oauthClient(server, dot.plain)
      const response = await oauth.introspectionRequest(plain.as, plain.client, oauth.ClientSecretBasic('wrong'), dot.tokens.live, HTTP)
      expect(response.status).toBe(401)
    })

    it('RFC 6749 §2.3.1: a DOT 2+ Django-hashed client secret authenticates, and is stored as SHA-256 from then on', async () => {
      const hashed = oauthClient(server, dot.hashed)
      expect(await introspect(hashed, dot.tokens.hashed)).toMatchObject({ active: true, client_id: dot.hashed.client_id })
      const db = new Database(ws.db, { readonly: true })
      const row = db.prepare('SELECT secret_hash FROM clients WHERE client_id = ?').get(dot.hashed.client_id) as { secret_hash: string }
      db.close()
      expect(row.secret_hash).toBe(createHash('sha256').update(dot.hashed.client_secret).digest('hex'))
      expect(await introspect(hashed, dot.tokens.hashed)).toMatchObject({ active: true })
    })

    it('the old Django user logs in with the old password (pbkdf2_sha256 hash kept)', async () => {
      const jar = new CookieJar()
      expect((await login(server, jar, dot.alice.username, dot.alice.password)).status).toBe(303)
      expect((await login(server, new CookieJar(), dot.alice.username, 'not-the-password')).status).not.toBe(303)
    })
  })
})
