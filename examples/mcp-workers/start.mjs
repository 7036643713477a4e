// Runs the Worker locally without wrangler: `node start.mjs [--port 8787]`.
// esbuild bundles src/worker.ts as wrangler would, Miniflare (workerd, the Workers runtime) serves
// it with an in-memory D1 database, Grantline's migrations are applied to it, and a user is
// created through the account store. With wrangler instead: see README.md (`npx wrangler dev`).
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { localUsers } from '@grantline/core'
import { migrations, sqlAccountStore } from '@grantline/sql'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const WORKER = fileURLToPath(new URL('./src/worker.ts', import.meta.url))
/** WORKERD_PBKDF2_ITERATIONS of @grantline/cloudflare (that package loads only inside workerd). */
const WORKERD_PBKDF2_ITERATIONS = 100_000

/** A port nobody listens on right now. */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** The Worker as one ES module, bundled for workerd as wrangler bundles it. */
export async function bundleWorker() {
  const result = await build({
    entryPoints: [WORKER],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*'],
    write: false,
    logLevel: 'warning',
  })
  return result.outputFiles[0].text
}

/**
 * The statements of Grantline's SQLite migrations (the files wrangler applies from
 * migrations_dir), for a fresh database: they hold no string with `;` or `--` in it.
 */
function migrationStatements() {
  return migrations.sqlite.flatMap((migration) =>
    migration.sql
      .replace(/--.*$/gm, '')
      .split(';')
      .map((statement) => statement.trim())
      .filter(Boolean),
  )
}

/**
 * Starts the Worker on `port` (0 picks a free one). Resolves with its URLs, the D1 database as
 * seen from Node (`db`, for administration), `createUser()` and `stop()`.
 */
export async function start({ host = '127.0.0.1', port = 8787 } = {}) {
  const listen = port || (await freePort(host))
  const origin = `http://${host}:${listen}`
  const bindings = { ISSUER: `${origin}/o`, MCP_RESOURCE: `${origin}/mcp`, SECRET: randomBytes(32).toString('base64url') }
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker(),
    compatibilityDate: '2026-04-01',
    d1Databases: ['DB'],
    bindings,
    host,
    port: listen,
  })
  try {
    await mf.ready
    const db = await mf.getD1Database('DB')
    await db.batch(migrationStatements().map((statement) => db.prepare(statement)))
    const users = localUsers(sqlAccountStore(db), { iterations: WORKERD_PBKDF2_ITERATIONS })
    return {
      origin,
      issuer: bindings.ISSUER,
      mcpUrl: bindings.MCP_RESOURCE,
      db,
      /** Adds a user through the account store (what an admin script or `wrangler d1 execute` would do). */
      createUser: (username, password) => users.create({ username, password }),
      cron: async () => (await mf.getWorker()).scheduled({ cron: '*/30 * * * *' }),
      stop: () => mf.dispose(),
    }
  } catch (error) {
    await mf.dispose()
    throw error
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8787' } } })
  const worker = await start({ port: Number(values.port) })
  const password = randomBytes(12).toString('base64url')
  await worker.createUser('mcp-user', password)
  console.log(`
The Worker (Grantline and the MCP server): ${worker.origin}
Issuer:                                    ${worker.issuer}
MCP server:                                ${worker.mcpUrl}
Sign in as:                                mcp-user / ${password}

Point an MCP host at ${worker.mcpUrl} (Streamable HTTP). The D1 database is in memory:
everything is gone when this stops. Ctrl-C stops it.
`)
  const stop = async () => {
    await worker.stop()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
