import { env } from 'cloudflare:test'
import { d1Driver } from '@grantline/cloudflare'
import type { Storage } from '@grantline/core'
import { sqlStorage } from '@grantline/sql'

/** Empties every table of the test D1 database (one batch), whatever the migrations created. */
export async function clearDatabase(): Promise<void> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('d1_migrations', 'schema_migrations')",
  ).all<{ name: string }>()
  await env.DB.batch(results.map(({ name }) => env.DB.prepare(`DELETE FROM "${name}"`)))
}

/** A fresh, empty Storage on D1, as createWorker builds it. */
export async function d1Storage(): Promise<Storage> {
  await clearDatabase()
  return sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' })
}

/** How many rows a table holds. */
export async function countRows(table: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>()
  return row?.n ?? 0
}
