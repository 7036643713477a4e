import { randomBytes } from 'node:crypto'
import * as oauth from 'oauth4webapi'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { HTTP, type OAuthClient, oauthClient } from '../server/http-client.js'
import { createWorkspace, DATABASE_URL, runCli, type ServerProcess, startServer, type Workspace } from '../server/support.js'
import { type Dot3Data, dot3Data, writeDot3Postgres } from './dot3-database.js'
import type { Report } from './report.js'

// Each test runs the real CLI, and grantline serve, as child processes on a shared machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/**
 * The same DOT 3.x data on PostgreSQL (a schema of its own, dropped afterwards), imported into a
 * Grantline PostgreSQL database, then served: the clients take their secret in the body as DOT did.
 */
describe('grantline import-dot from a DOT 3.x PostgreSQL database into PostgreSQL', () => {
  const schema = `dot_${randomBytes(8).toString('hex')}`
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} })
  let from: string
  let ws: Workspace
  let dot: Dot3Data
  let server: ServerProcess
  let report: Report

  beforeAll(async () => {
    await admin.unsafe(`CREATE SCHEMA ${schema}`)
    const url = new URL(DATABASE_URL)
    url.searchParams.set('search_path', schema)
    from = url.toString()
    const sql = postgres(from, { max: 1, onnotice: () => {} })
    dot = dot3Data()
    await writeDot3Postgres(sql, dot.rows)
    await sql.end()
    ws = await createWorkspace('postgres')
  })
  afterAll(async () => {
    await server?.stop()
    await ws?.dispose()
    await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.end()
  })

  it('reports the same counts as from SQLite', async () => {
    const run = await runCli(['import-dot', '--from', from, '--data', ws.data, '--db', ws.db, '--json'])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    report = JSON.parse(run.stdout) as Report
    expect(report.source).toStrictEqual({ dialect: 'postgres', dot_version: '3.x' })
    const counts = Object.fromEntries(Object.entries(report.tables).map(([name, t]) => [name, [t.read, t.imported, t.refused.length]]))
    expect(counts).toStrictEqual({
      auth_user: [3, 2, 1],
      oauth2_provider_application: [5, 4, 1],
      oauth2_provider_accesstoken: [7, 4, 2],
      oauth2_provider_refreshtoken: [8, 7, 0],
      oauth2_provider_grant: [1, 0, 0],
      oauth2_provider_idtoken: [1, 0, 0],
    })
  })

  it('without --json prints the report as text, per table', async () => {
    const run = await runCli(['import-dot', '--from', from, '--data', ws.data, '--db', ws.db, '--dry-run'])
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^dry run \(nothing written\): Django OAuth Toolkit 3\.x database \(postgres\)$/m)
    expect(run.stdout).toMatch(/^oauth2_provider_accesstoken: 7 read, 4 to import, skipped 1 expired, 2 refused$/m)
    expect(run.stdout).toMatch(/^ {4}dotPlainClient redirect_uris "http:\/\/app\.example\/insecure": may use http only on a loopback host/m)
  })

  describe('grantline serve on the imported PostgreSQL data', () => {
    let service: OAuthClient
    beforeAll(async () => {
      server = await startServer(ws)
      service = { ...oauthClient(server, dot.service), auth: oauth.ClientSecretPost(dot.service.client_secret) }
    })

    it('RFC 6749 §2.3.1: the DOT client secret authenticates in the request body (client_secret_post)', async () => {
      const response = await oauth.clientCredentialsGrantRequest(service.as, service.client, service.auth, { scope: 'read' }, HTTP)
      const tokens = await oauth.processClientCredentialsResponse(service.as, service.client, response)
      expect(tokens.access_token).toMatch(/^gl_at_/)
    })

    it('RFC 7662 §2.2: the DOT client_credentials token is active at introspection', async () => {
      const response = await oauth.introspectionRequest(service.as, service.client, service.auth, dot.tokens.service, HTTP)
      expect(await oauth.processIntrospectionResponse(service.as, service.client, response)).toMatchObject({
        active: true,
        client_id: dot.service.client_id,
        scope: 'read',
      })
    })
  })
})
