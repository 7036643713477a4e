import { fileURLToPath } from 'node:url'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineProject } from 'vitest/config'

const migrations = fileURLToPath(new URL('../../packages/sql/migrations/sqlite', import.meta.url))

/**
 * The tests that run inside workerd (miniflare): D1 and KV conformance, and the Worker's flows
 * through createWorker. Bindings as in adapters/cloudflare/wrangler.example.jsonc; the D1
 * migrations are the ones wrangler applies, applied before each file (apply-migrations.ts).
 */
export default defineProject({
  plugins: [
    cloudflareTest(async () => ({
      miniflare: {
        compatibilityDate: '2026-04-01',
        d1Databases: ['DB'],
        kvNamespaces: ['CACHE'],
        bindings: { TEST_MIGRATIONS: await readD1Migrations(migrations) },
      },
    })),
  ],
  test: {
    name: 'workerd',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.test.ts'],
    setupFiles: ['./apply-migrations.ts'],
    // One D1 database and one KV namespace for every file: files take turns.
    fileParallelism: false,
    testTimeout: 30_000,
  },
})
