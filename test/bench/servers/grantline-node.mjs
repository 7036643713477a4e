// Grantline on Node: `serve()` of @grantline/node (node:http through its lean listener), over
// memory storage or SQLite on disk (STORAGE=sqlite, DB=path; WAL and synchronous=NORMAL, as
// sqliteDriver sets them); with WORKERS=N, N such processes on one port and database
// (`serveWorkers`, as `grantline serve --workers N`). Pre-created rows arrive on CONTROL_PORT.
import { createServer } from 'node:http'
import { memoryStorage } from '@grantline/core'
import { serveWorkers, sqliteDriver } from '@grantline/node'
import { migrate, sqlStorage } from '@grantline/sql'
import Database from 'better-sqlite3'
import { serve } from '../../../adapters/node/dist/serve.js'
import { controlHandler, controlListener, createBenchProvider, runCleanup, storeRecords } from './grantline-app.mjs'

const port = Number(process.env.PORT ?? 8080)
const kind = process.env.STORAGE ?? 'memory'

const workers = Number(process.env.WORKERS ?? 1)

async function start() {
  let storage
  let store
  if (kind === 'sqlite') {
    const driver = sqliteDriver(process.env.DB)
    await migrate(driver, 'sqlite')
    storage = sqlStorage(driver, { dialect: 'sqlite' })
    store = bulkInsert(process.env.DB)
  } else {
    storage = memoryStorage()
    store = (records) => storeRecords(storage, records)
  }
  const provider = await createBenchProvider(storage)
  runCleanup(provider)
  const server = await serve(provider, { port, hostname: '127.0.0.1', log: false, handleSignals: false })
  // Under node:cluster the workers share this port too: a seed goes to one of them, into the one database.
  await new Promise((resolve) =>
    createServer(controlListener(controlHandler(store))).listen(Number(process.env.CONTROL_PORT), '127.0.0.1', resolve),
  )
  return server
}

const ready = () => console.log(JSON.stringify({ ready: true, pid: process.pid }))
if (workers > 1) await serveWorkers({ workers, start: async () => ({ server: await start() }), onReady: ready })
else {
  await start()
  ready()
}

/** Pre-created rows go in by a direct SQL bulk insert on a second connection (one transaction). */
function bulkInsert(path) {
  const db = new Database(path)
  db.pragma('busy_timeout = 5000')
  const json = (value) => (value === null ? null : JSON.stringify(value))
  const family = db.prepare(
    'INSERT INTO families (id, consent_id, client_id, sub, scopes, auth_time, acr, amr, nonce, claims, resource, created_at, expires_at, revoked_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
  )
  const code = db.prepare(
    'INSERT INTO codes (hash, family_id, client_id, redirect_uri, code_challenge, code_challenge_method, created_at, expires_at, consumed_at) VALUES (?,?,?,?,?,?,?,?,?)',
  )
  const access = db.prepare(
    'INSERT INTO access_tokens (hash, family_id, client_id, sub, scopes, created_at, expires_at, revoked_at) VALUES (?,?,?,?,?,?,?,?)',
  )
  const refresh = db.prepare(
    'INSERT INTO refresh_tokens (hash, family_id, client_id, sub, scopes, access_hash, created_at, expires_at, revoked_at, used_at, successor_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
  )
  const insert = db.transaction((records) => {
    for (const f of records.families) {
      family.run(
        f.id,
        f.consent_id,
        f.client_id,
        f.sub,
        json(f.scopes),
        f.auth_time,
        f.acr,
        json(f.amr),
        f.nonce,
        f.claims,
        json(f.resource),
        f.created_at,
        f.expires_at,
        f.revoked_at,
      )
    }
    for (const c of records.codes) {
      code.run(
        c.hash,
        c.family_id,
        c.client_id,
        c.redirect_uri,
        c.code_challenge,
        c.code_challenge_method,
        c.created_at,
        c.expires_at,
        c.consumed_at,
      )
    }
    for (const a of records.access)
      access.run(a.hash, a.family_id, a.client_id, a.sub, json(a.scopes), a.created_at, a.expires_at, a.revoked_at)
    for (const r of records.refresh) {
      refresh.run(
        r.hash,
        r.family_id,
        r.client_id,
        r.sub,
        json(r.scopes),
        r.access_hash,
        r.created_at,
        r.expires_at,
        r.revoked_at,
        r.used_at,
        r.successor_hash,
      )
    }
  })
  return async (records) => insert.immediate(records)
}

// A normal exit, so that `node --cpu-prof` writes its profile when the runner stops the server.
process.on('SIGTERM', () => process.exit(0))
