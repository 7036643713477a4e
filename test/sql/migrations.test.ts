import { readdirSync, readFileSync } from 'node:fs'
import { migrate, migrations, type SqlDialect, type SqlDriver } from '@grantline/sql'
import { describe, expect, it } from 'vitest'
import { openPostgresSchema } from './support/postgres.js'
import { raceProcesses } from './support/processes.js'
import { sqliteFiles } from './support/sqlite.js'

const PACKAGE = new URL('../../packages/sql/', import.meta.url)
const DIALECTS: SqlDialect[] = ['sqlite', 'postgres']
// The tables of issue "A real server on Node"; later migrations may add more.
const REQUIRED = [
  'access_tokens',
  'clients',
  'codes',
  'consents',
  'families',
  'interactions',
  'login_failures',
  'refresh_tokens',
  'schema_migrations',
  'sessions',
  'users',
]
const VERSIONS = migrations.sqlite.map((m) => m.version)

const sqlFiles = (dialect: SqlDialect) =>
  readdirSync(new URL(`migrations/${dialect}/`, PACKAGE))
    .filter((name) => name.endsWith('.sql'))
    .sort()

/** Table -> column names, and index names, as a migration file declares them. */
function declared(text: string) {
  const tables: Record<string, string[]> = {}
  for (const [, name, body] of text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+) \(([\s\S]*?)\n\);/g)) {
    tables[name as string] = [...(body as string).matchAll(/^\s+(\w+) /gm)].map((m) => m[1] as string)
  }
  const indexes = [...text.matchAll(/CREATE INDEX (\w+) ON (\w+) \(([^)]*)\)/g)].map((m) => `${m[1]} ${m[2]} (${m[3]})`)
  return { tables, indexes }
}

const TABLES = Object.keys(declared(migrations.sqlite.map((m) => m.sql).join('\n')).tables).sort()

describe('migration files', () => {
  for (const dialect of DIALECTS) {
    it(`src/migrations.ts holds exactly the text of migrations/${dialect}/*.sql (npm run embed-migrations -w packages/sql)`, () => {
      const files = sqlFiles(dialect)
      expect(migrations[dialect].map((m) => `${String(m.version).padStart(4, '0')}_${m.name}.sql`)).toEqual(files)
      for (const migration of migrations[dialect]) {
        const file = `${String(migration.version).padStart(4, '0')}_${migration.name}.sql`
        expect(migration.sql, file).toBe(readFileSync(new URL(`migrations/${dialect}/${file}`, PACKAGE), 'utf8'))
      }
    })
  }

  it('both dialects declare the same tables, columns and indexes', () => {
    const [sqlite, postgres] = DIALECTS.map((dialect) => declared(migrations[dialect].map((m) => m.sql).join('\n')))
    expect(Object.keys(sqlite?.tables ?? {})).toEqual(expect.arrayContaining(REQUIRED))
    expect(postgres).toEqual(sqlite)
    expect(migrations.postgres.map((m) => m.version)).toEqual(VERSIONS)
  })

  it('the package ships the .sql files (wrangler applies migrations/sqlite to D1)', () => {
    const manifest = JSON.parse(readFileSync(new URL('package.json', PACKAGE), 'utf8')) as { files: string[] }
    expect(manifest.files).toContain('migrations')
  })
})

const versionRows = async (driver: SqlDriver) =>
  (await driver.prepare('SELECT version FROM schema_migrations ORDER BY version').all<{ version: number }>()).results.map((r) =>
    Number(r.version),
  )

describe('SQLite migrate()', () => {
  const files = sqliteFiles()
  const schema = async (driver: SqlDriver) =>
    (await driver.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all()).results

  it('creates every table and records each version once', async () => {
    const driver = files.open()
    expect(await migrate(driver, 'sqlite')).toEqual(VERSIONS)
    const tables = await driver.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>()
    expect(tables.results.map((t) => t.name)).toEqual(TABLES)
    expect(await versionRows(driver)).toEqual(VERSIONS)
  })

  it('a second run is a no-op', async () => {
    const driver = files.open()
    await migrate(driver, 'sqlite')
    const before = await schema(driver)
    expect(await migrate(driver, 'sqlite')).toEqual([])
    expect(await schema(driver)).toEqual(before)
    expect(await versionRows(driver)).toEqual(VERSIONS)
  })

  it('concurrent migrate() calls on two connections to one file apply each version once', async () => {
    const path = files.path()
    const [a, b] = [files.open(path), files.open(path)]
    const applied = await Promise.all([migrate(a, 'sqlite'), migrate(b, 'sqlite'), migrate(a, 'sqlite')])
    expect(applied.flat().sort((a, b) => a - b)).toEqual(VERSIONS)
    expect(await versionRows(b)).toEqual(VERSIONS)
  })

  it('migrate() from several processes at once applies each version once', { timeout: 30_000 }, async () => {
    const path = files.path()
    const holder = files.open(path)
    const statuses = await raceProcesses(path, holder, [[{ op: 'migrate' }], [{ op: 'migrate' }], [{ op: 'migrate' }], [{ op: 'migrate' }]])
    // One process applies every version, or several share them out; none applies one twice.
    const applied = statuses.flatMap((s) => s.replace('migrated:', '').split(',').filter(Boolean).map(Number))
    expect(
      statuses.every((s) => s.startsWith('migrated:')),
      statuses.join(' '),
    ).toBe(true)
    expect(applied.sort((a, b) => a - b)).toEqual(VERSIONS)
    expect(await versionRows(holder)).toEqual(VERSIONS)
  })
})

describe('PostgreSQL migrate()', () => {
  const tablesOf = async (admin: SqlDriver, schema: string) =>
    (
      await admin
        .prepare('SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name')
        .bind(schema)
        .all<{ table_name: string }>()
    ).results.map((t) => t.table_name)

  it('creates every table; a second run is a no-op', async () => {
    const pg = await openPostgresSchema()
    try {
      const driver = pg.open(2)
      expect(await migrate(driver, 'postgres')).toEqual(VERSIONS)
      expect(await tablesOf(pg.admin, pg.schema)).toEqual(TABLES)
      expect(await migrate(driver, 'postgres')).toEqual([])
      expect(await tablesOf(pg.admin, pg.schema)).toEqual(TABLES)
      expect(await versionRows(driver)).toEqual(VERSIONS)
    } finally {
      await pg.dispose()
    }
  })

  it('concurrent migrate() calls from separate pools apply each version once (advisory lock)', async () => {
    const pg = await openPostgresSchema()
    try {
      const drivers = Array.from({ length: 4 }, () => pg.open(2))
      const applied = await Promise.all(drivers.map((driver) => migrate(driver, 'postgres')))
      expect(applied.flat().sort((a, b) => a - b)).toEqual(VERSIONS)
      expect(await tablesOf(pg.admin, pg.schema)).toEqual(TABLES)
      expect(await versionRows(pg.open(1))).toEqual(VERSIONS)
    } finally {
      await pg.dispose()
    }
  })
})
