import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createWorkspace, DATABASE_URL, runCli, type Workspace } from '../server/support.js'
import { type Dot3Data, dot3Data, sha256, writeDot3Postgres, writeDot3Sqlite } from './dot3-database.js'
import type { Report } from './report.js'

// Each test runs the real CLI as child processes on a shared machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/** The tables an import writes, without the columns that depend on the time of the run. */
const DUMP = {
  clients: 'SELECT * FROM clients ORDER BY client_id',
  users: 'SELECT * FROM users ORDER BY sub',
  consents: 'SELECT id, sub, client_id, scopes, created_at, revoked_at FROM consents ORDER BY id',
  families: 'SELECT id, consent_id, client_id, sub, scopes, resource, created_at, revoked_at FROM families ORDER BY id',
  access_tokens: 'SELECT hash, family_id, client_id, sub, scopes, audience, created_at, expires_at FROM access_tokens ORDER BY hash',
  refresh_tokens:
    'SELECT hash, family_id, client_id, sub, scopes, access_hash, created_at, revoked_at, used_at IS NULL AS unused FROM refresh_tokens ORDER BY hash',
} as const

/** What an import wrote into `ws`'s database. */
async function dump(ws: Workspace): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {}
  if (ws.backend === 'postgres') {
    const sql = postgres(ws.db, { max: 1, onnotice: () => {} })
    try {
      for (const [table, query] of Object.entries(DUMP)) out[table] = [...(await sql.unsafe(query))]
    } finally {
      await sql.end()
    }
    return out
  }
  const db = new Database(ws.db, { readonly: true })
  for (const [table, query] of Object.entries(DUMP)) out[table] = db.prepare(query).all()
  db.close()
  return out
}

const rows = (tables: Record<string, unknown[]>) => Object.fromEntries(Object.entries(tables).map(([table, list]) => [table, list.length]))

/** `grantline import-dot --json` with `GRANTLINE_IMPORT_PAGE_SIZE` (the rows read, mapped and written at a time) when given. */
async function importDot(from: string, ws: Workspace, pageSize?: number, ...more: string[]) {
  const env = pageSize === undefined ? {} : { GRANTLINE_IMPORT_PAGE_SIZE: String(pageSize) }
  return runCli(['import-dot', '--from', from, '--data', ws.data, '--db', ws.db, '--json', ...more], { env })
}

async function imported(from: string, ws: Workspace, pageSize?: number): Promise<Report> {
  const result = await importDot(from, ws, pageSize)
  if (result.status !== 0) throw new Error(`import-dot exited ${result.status}: ${result.stderr}`)
  return JSON.parse(result.stdout) as Report
}

/**
 * The import reads, maps and writes a page of rows at a time inside its one transaction: pages of
 * one row (a DOT 3 chain's rotated-away token and its live one, a refresh token and its access
 * token, all on different pages) give the report and the rows of one page for everything.
 */
describe('grantline import-dot a page at a time', () => {
  const workspaces: Workspace[] = []
  const schema = `dot_${randomBytes(8).toString('hex')}`
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} })
  let dot: Dot3Data
  let sqliteFrom: string
  let postgresFrom: string

  const workspace = async (backend: 'sqlite' | 'postgres') => {
    const ws = await createWorkspace(backend)
    workspaces.push(ws)
    return ws
  }

  beforeAll(async () => {
    dot = dot3Data()
    const dir = (await workspace('sqlite')).dir
    sqliteFrom = join(dir, 'dot.sqlite3')
    writeDot3Sqlite(sqliteFrom, dot.rows)
    await admin.unsafe(`CREATE SCHEMA ${schema}`)
    const url = new URL(DATABASE_URL)
    url.searchParams.set('search_path', schema)
    postgresFrom = url.toString()
    const sql = postgres(postgresFrom, { max: 1, onnotice: () => {} })
    await writeDot3Postgres(sql, dot.rows)
    await sql.end()
  })
  afterAll(async () => {
    for (const ws of workspaces) await ws.dispose()
    await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.end()
  })

  it('from SQLite into SQLite: pages of 1 and 2 rows report and write what one page does', async () => {
    const whole = await workspace('sqlite')
    const report = await imported(sqliteFrom, whole)
    expect(report.tables.oauth2_provider_refreshtoken.notes).toStrictEqual([
      expect.stringMatching(/^1 refresh tokens DOT had rotated away/),
    ])
    const expected = await dump(whole)
    expect(rows(expected)).toStrictEqual({ clients: 4, users: 2, consents: 3, families: 7, access_tokens: 4, refresh_tokens: 7 })
    for (const size of [1, 2]) {
      const paged = await workspace('sqlite')
      expect(await imported(sqliteFrom, paged, size)).toStrictEqual(report)
      expect(await dump(paged)).toStrictEqual(expected)
      // Idempotent a page at a time too: everything is there already.
      const again = await imported(sqliteFrom, paged, size)
      expect(again.tables.oauth2_provider_accesstoken).toMatchObject({ imported: 0, already_present: 4 })
      expect(await dump(paged)).toStrictEqual(expected)
    }
  })

  it('from PostgreSQL into PostgreSQL (keyset pages over bigint ids): pages of 1 row match one page', async () => {
    const whole = await workspace('postgres')
    const report = await imported(postgresFrom, whole)
    const paged = await workspace('postgres')
    expect(await imported(postgresFrom, paged, 1)).toStrictEqual(report)
    expect(await dump(paged)).toStrictEqual(await dump(whole))
    expect(rows(await dump(paged))).toMatchObject({ access_tokens: 4, refresh_tokens: 7 })
  })

  it('--dry-run a page at a time reports the same counts and writes nothing', async () => {
    const ws = await workspace('sqlite')
    const wet = await imported(sqliteFrom, await workspace('sqlite'))
    const result = await importDot(sqliteFrom, ws, 1, '--dry-run')
    expect(result.status).toBe(0)
    const dry = JSON.parse(result.stdout) as Report
    expect(dry).toStrictEqual({ ...wet, dry_run: true })
    expect(rows(await dump(ws))).toStrictEqual({ clients: 0, users: 0, consents: 0, families: 0, access_tokens: 0, refresh_tokens: 0 })
  })

  describe.each(['sqlite', 'postgres'] as const)('a failure midway, into %s', (backend) => {
    it('leaves nothing written: the pages written before it roll back with the transaction', async () => {
      const ws = await workspace(backend)
      const migrated = await runCli(['migrate', '--data', ws.data, '--db', ws.db])
      expect(migrated.status).toBe(0)
      // The chain's live refresh token is the last refresh row: users, clients and seven pages of
      // refresh tokens (one row each) are written before the target refuses it.
      const refused = sha256(dot.tokens.chainLive)
      await withTarget(ws, [
        {
          sqlite: `CREATE TRIGGER fail_midway BEFORE INSERT ON refresh_tokens WHEN NEW.hash = '${refused}'
                   BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`,
          postgres: `CREATE FUNCTION fail_midway() RETURNS trigger LANGUAGE plpgsql AS $$
                     BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$;
                     CREATE TRIGGER fail_midway BEFORE INSERT ON refresh_tokens FOR EACH ROW
                     WHEN (NEW.hash = '${refused}') EXECUTE FUNCTION fail_midway()`,
        }[backend],
      ])
      const result = await importDot(sqliteFrom, ws, 1)
      expect(result.status).toBe(1)
      expect(result.stderr).toMatch(/^grantline: the import failed and wrote nothing: .*refused by the test trigger/)
      expect(result.stdout).toBe('')
      expect(rows(await dump(ws))).toStrictEqual({ clients: 0, users: 0, consents: 0, families: 0, access_tokens: 0, refresh_tokens: 0 })
      // Without the trigger the same import writes everything.
      await withTarget(ws, [backend === 'sqlite' ? 'DROP TRIGGER fail_midway' : 'DROP TRIGGER fail_midway ON refresh_tokens'])
      const report = await imported(sqliteFrom, ws, 1)
      expect(report.tables.oauth2_provider_refreshtoken.imported).toBe(7)
      expect(rows(await dump(ws))).toMatchObject({ clients: 4, users: 2, access_tokens: 4, refresh_tokens: 7 })
    })
  })
})

/** Runs statements on the Grantline database of `ws`. */
async function withTarget(ws: Workspace, statements: string[]): Promise<void> {
  if (ws.backend === 'postgres') {
    const sql = postgres(ws.db, { max: 1, onnotice: () => {} })
    try {
      for (const statement of statements) await sql.unsafe(statement)
    } finally {
      await sql.end()
    }
    return
  }
  const db = new Database(ws.db)
  for (const statement of statements) db.exec(statement)
  db.close()
}
