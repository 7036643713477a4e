import { postgresDriver } from '@grantline/node'
import { migrate, type SqlDriver } from '@grantline/sql'
import { afterAll } from 'vitest'

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Fails (never skips) when no PostgreSQL answers, saying how to start one. */
async function reachable(admin: SqlDriver): Promise<void> {
  try {
    await admin.prepare('SELECT 1 AS ok').first()
  } catch (error) {
    await admin.close?.().catch(() => {})
    throw new Error(
      `PostgreSQL does not answer at ${DATABASE_URL} (${(error as Error).message}). These tests need a real server: ` +
        'start it with `pg_ctlcluster 15 main start` (or point DATABASE_URL at one).',
    )
  }
}

export type PostgresSchema = Awaited<ReturnType<typeof openPostgresSchema>>

/**
 * A schema of its own (`gl_test_<random>`, reached through the connection's search_path), so
 * that test files running side by side never see each other's rows. `dispose()` closes every
 * driver and drops the schema.
 */
export async function openPostgresSchema() {
  const admin = postgresDriver(DATABASE_URL, { max: 1 })
  await reachable(admin)
  const schema = `gl_test_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
  await admin.exec?.(`CREATE SCHEMA ${schema}`)
  const url = new URL(DATABASE_URL)
  url.searchParams.set('search_path', schema)
  const drivers: SqlDriver[] = []
  return {
    async dispose() {
      for (const driver of drivers) await driver.close?.()
      await admin.exec?.(`DROP SCHEMA ${schema} CASCADE`)
      await admin.close?.()
    },
    schema,
    url: url.toString(),
    admin,
    /** A driver (pool of `max` connections) on the schema, closed after the tests. */
    open(max = 10): SqlDriver {
      const driver = postgresDriver(url.toString(), { max })
      drivers.push(driver)
      return driver
    },
    async migrate(driver: SqlDriver) {
      return migrate(driver, 'postgres')
    },
    /** Empties every table but schema_migrations, so the next test starts from a fresh store. */
    async truncate(driver: SqlDriver) {
      const { results } = await driver
        .prepare(
          "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY tablename",
        )
        .all<{ tablename: string }>()
      await driver.exec?.(`TRUNCATE ${results.map((t) => t.tablename).join(', ')}`)
    },
  }
}

/** A schema for the calling test file, disposed after its tests. Call at the file's top level. */
export async function postgresSchema(): Promise<PostgresSchema> {
  const pg = await openPostgresSchema()
  afterAll(() => pg.dispose())
  return pg
}
