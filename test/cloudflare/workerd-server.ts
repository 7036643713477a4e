import { fileURLToPath } from 'node:url'
import { readD1Migrations } from '@cloudflare/vitest-pool-workers'
import type { SqlDriver } from '@grantline/sql'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The example Worker bundled as `npm run size` measures it (esbuild, minified, workerd conditions). */
export async function bundleExampleWorker(): Promise<string> {
  const result = await build({
    entryPoints: [`${root}/adapters/cloudflare/dist/example-worker.js`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*'],
    write: false,
    logLevel: 'warning',
  })
  return result.outputFiles[0]?.text ?? ''
}

/**
 * The bundled example Worker in workerd (miniflare) on a loopback port, with a D1 database that
 * has wrangler's migrations applied and a KV namespace. `db` is D1 seen from Node (what the CLI
 * or wrangler would use for administration); `cron()` fires the Cron Trigger.
 */
export async function startWorkerd(vars: { ISSUER: string; SECRET: string; KEY_ENCRYPTION_KEY: string }) {
  const mf = new Miniflare({
    modules: true,
    script: await bundleExampleWorker(),
    compatibilityDate: '2026-04-01',
    d1Databases: ['DB'],
    kvNamespaces: ['CACHE'],
    bindings: vars,
    host: '127.0.0.1',
    port: 0,
  })
  const url = await mf.ready
  const db = await mf.getD1Database('DB')
  for (const migration of await readD1Migrations(`${root}/packages/sql/migrations/sqlite`)) {
    await db.batch(migration.queries.map((query) => db.prepare(query)))
  }
  const worker = await mf.getWorker()
  return {
    url,
    db: db as unknown as SqlDriver,
    cron: () => worker.scheduled({ cron: '*/30 * * * *' }),
    close: () => mf.dispose(),
  }
}
