import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CookieJar, introspect, login, oauthClient, refresh } from '../server/http-client.js'
import { createWorkspace, runCli, type ServerProcess, startServer, type Workspace } from '../server/support.js'
import { djangoHash } from './dot3-database.js'
import type { Report } from './report.js'

// Each test runs the real CLI, and grantline serve, as child processes on a shared machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/** Django's SQLite datetime text, UTC. */
const djangoTime = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}000`

/**
 * DOT 1.x tables (no token_checksum, no hash_client_secret, no ID tokens): client secrets and
 * tokens were stored as they are, so the import hashes them; they work afterwards as before.
 */
describe('grantline import-dot from DOT 1.x tables', () => {
  let ws: Workspace
  let server: ServerProcess
  const secret = 'J8kbpP2oKXqTT6Vw1nGm7Dd0sQ4rLcYfZ3aUeHxB'
  const token = 'dot1AccessTokenA1b2C3d4E5f6G7h8I9'
  const refreshToken = 'dot1RefreshTokenZ9y8X7w6V5u4T3s2'

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    const from = join(ws.dir, 'dot1.sqlite3')
    const db = new Database(from)
    db.exec(readFileSync(new URL('./fixtures/dot1-sqlite.sql', import.meta.url), 'utf8'))
    const now = Date.now()
    db.prepare(
      `INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
       VALUES (7, ?, 0, 'dora', 'Dora', '', 'dora@example.com', 0, 1, ?)`,
    ).run(djangoHash('dora-1x-password', 150_000), djangoTime(now - 86400_000))
    db.prepare(
      `INSERT INTO oauth2_provider_application (id, client_id, redirect_uris, client_type, authorization_grant_type, client_secret, name,
       user_id, skip_authorization, created, updated) VALUES (1, 'dot1Client', 'http://localhost:8000/callback', 'confidential',
       'authorization-code', ?, 'DOT 1 app', 7, 0, ?, ?)`,
    ).run(secret, djangoTime(now), djangoTime(now))
    db.prepare(
      `INSERT INTO oauth2_provider_accesstoken (id, token, expires, scope, application_id, user_id, created, updated)
       VALUES (1, ?, ?, 'read write', 1, 7, ?, ?)`,
    ).run(token, djangoTime(now + 3600_000), djangoTime(now), djangoTime(now))
    db.prepare(
      `INSERT INTO oauth2_provider_refreshtoken (id, token, access_token_id, application_id, user_id, created, updated)
       VALUES (1, ?, 1, 1, 7, ?, ?)`,
    ).run(refreshToken, djangoTime(now), djangoTime(now))
    db.close()
    const run = await runCli(['import-dot', '--from', from, '--data', ws.data, '--db', ws.db, '--json'])
    if (run.status !== 0) throw new Error(run.stderr)
    const report = JSON.parse(run.stdout) as Report
    expect(report.source.dot_version).toBe('1.x')
    expect(report.tables.oauth2_provider_accesstoken.imported).toBe(1)
    expect(report.tables.oauth2_provider_refreshtoken.imported).toBe(1)
    expect(report.tables.oauth2_provider_idtoken.read).toBe(0)
    server = await startServer(ws)
  })
  afterAll(async () => {
    await server?.stop()
    await ws?.dispose()
  })

  it('RFC 6749 §2.3.1: the plaintext DOT 1.x secret authenticates, and the plaintext token, hashed on import, is active', async () => {
    const client = oauthClient(server, { client_id: 'dot1Client', client_secret: secret })
    expect(await introspect(client, token)).toMatchObject({ active: true, sub: '7', scope: 'read write' })
  })

  it('RFC 6749 §6: the DOT 1.x refresh token refreshes', async () => {
    const client = oauthClient(server, { client_id: 'dot1Client', client_secret: secret })
    expect((await refresh(client, refreshToken)).scope).toBe('read write')
  })

  it('the DOT 1.x user logs in with the old password', async () => {
    expect((await login(server, new CookieJar(), 'dora', 'dora-1x-password')).status).toBe(303)
  })
})
