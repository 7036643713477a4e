// Grantline on Node over PostgreSQL (DATABASE_URL, a database of its own that the runner made):
// `serve()` of @grantline/node on `postgresDriver` with its default pool of 10 connections per
// process, as `grantline serve --db postgres://...` runs; with WORKERS=N, N such processes on one
// port and database (`serveWorkers`, as `grantline serve --workers N`). The runner inserts codes
// and refresh tokens with SQL (lib/postgres-checks.mjs), so there is no control port.
import { postgresDriver, serveWorkers } from '@grantline/node'
import { migrate, sqlStorage } from '@grantline/sql'
import { serve } from '../../../adapters/node/dist/serve.js'
import { createBenchProvider, runCleanup } from './grantline-app.mjs'

const port = Number(process.env.PORT ?? 8080)
const workers = Number(process.env.WORKERS ?? 1)

async function start() {
  const driver = postgresDriver(process.env.DATABASE_URL)
  await migrate(driver, 'postgres')
  const provider = await createBenchProvider(sqlStorage(driver, { dialect: 'postgres' }))
  runCleanup(provider)
  return serve(provider, { port, hostname: '127.0.0.1', log: false, handleSignals: false, onClose: () => driver.close() })
}

const ready = () => console.log(JSON.stringify({ ready: true, pid: process.pid }))
if (workers > 1) await serveWorkers({ workers, start: async () => ({ server: await start() }), onReady: ready })
else {
  await start()
  ready()
}

// A normal exit, so that `node --cpu-prof` writes its profile when the runner stops the server.
if (workers === 1) process.on('SIGTERM', () => process.exit(0))
