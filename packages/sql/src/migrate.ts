import { ConfigError } from '@grantline/core'
import type { SqlDialect, SqlDriver } from './driver.js'
import { type Migration, migrations } from './migrations.js'

// One lock per schema, so that test schemas side by side do not wait for each other.
const PG_LOCK = "SELECT pg_advisory_xact_lock(hashtext('grantline.migrate:' || coalesce(current_schema(), '')));"

const BOOTSTRAP: Record<SqlDialect, string> = {
  sqlite: 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);',
  // A concurrent CREATE TABLE IF NOT EXISTS can still collide in pg_type without the lock.
  postgres: `${PG_LOCK}\nCREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);`,
}

/**
 * The script applying one migration in one transaction. Its first write claims the version in
 * schema_migrations, so a second migrator racing for the same version fails on the primary key
 * before it changes anything, and its whole transaction rolls back. SQLite takes the write lock
 * up front (`BEGIN IMMEDIATE`); PostgreSQL runs a multi-statement query as one implicit
 * transaction and serialises migrators on an advisory lock held until it ends.
 */
function script(dialect: SqlDialect, migration: Migration, now: number): string {
  if (!/^[a-z0-9_]+$/.test(migration.name)) throw new Error(`bad migration name ${migration.name}`)
  const claim = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${migration.version}, '${migration.name}', ${now});`
  const body = migration.sql.trimEnd().endsWith(';') ? migration.sql : `${migration.sql};`
  return dialect === 'sqlite' ? `BEGIN IMMEDIATE;\n${claim}\n${body}\nCOMMIT;` : `${PG_LOCK}\n${claim}\n${body}`
}

async function appliedVersions(driver: SqlDriver): Promise<Set<number>> {
  const { results } = await driver.prepare('SELECT version FROM schema_migrations').all<{ version: unknown }>()
  return new Set(results.map((row) => Number(row.version)))
}

/**
 * Brings the database to the newest schema of `dialect` and answers the versions this call
 * applied (none when it was up to date). Safe to run twice and from several processes at once:
 * each migration applies exactly once, atomically. Node runs it at start; Cloudflare Workers
 * never migrate at run time (wrangler applies migrations/sqlite instead).
 */
export async function migrate(driver: SqlDriver, dialect: SqlDialect): Promise<number[]> {
  const exec = driver.exec?.bind(driver)
  if (!exec)
    throw new ConfigError('ERR_SQL_DRIVER_NO_EXEC', 'migrate() needs a driver with exec(); apply the migrations with your tool instead')
  const set = migrations[dialect]
  if (!set) throw new ConfigError('ERR_SQL_DIALECT', `unknown SQL dialect "${dialect}"`)
  await exec(BOOTSTRAP[dialect])
  const applied = await appliedVersions(driver)
  const done: number[] = []
  for (const migration of set) {
    if (applied.has(migration.version)) continue
    try {
      await exec(script(dialect, migration, Math.floor(Date.now() / 1000)))
      done.push(migration.version)
    } catch (error) {
      // Lost the race: another migrator applied this version while we were deciding.
      if (!(await appliedVersions(driver)).has(migration.version)) throw error
    }
  }
  return done
}
