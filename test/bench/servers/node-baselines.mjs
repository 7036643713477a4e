// The bare baselines on node:http, and @hono/node-server with a handler that reads the form body
// and answers fixed JSON. MODE=fixed | irreducible | irreducible-sqlite (DB=path) | hono.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { serve } from '@hono/node-server'
import Database from 'better-sqlite3'
import { CLIENT_ID, CLIENT_SECRET } from './bench-client.mjs'

const port = Number(process.env.PORT ?? 8080)
const mode = process.env.MODE ?? 'fixed'
const FIXED = JSON.stringify({ access_token: `gl_at_${'x'.repeat(43)}`, token_type: 'Bearer', expires_in: 3600, scope: 'read write' })
const headers = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' }
const storedHash = createHash('sha256').update(CLIENT_SECRET).digest()

/**
 * The irreducible work of a client_credentials token request: read and parse the form, decode
 * Basic, hash the presented secret and compare it in constant time with the stored hash, make 32
 * random bytes, then `issue(token, send)` (by default: answer at once). No storage, no
 * validation beyond that.
 */
const irreducible =
  (issue = (_token, send) => send()) =>
  (request, response) => {
    const chunks = []
    request.on('data', (chunk) => chunks.push(chunk))
    request.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString())
      const [id, secret] = Buffer.from((request.headers.authorization ?? '').slice(6), 'base64')
        .toString()
        .split(':')
      const presented = createHash('sha256')
        .update(decodeURIComponent(secret ?? ''))
        .digest()
      if (
        params.get('grant_type') !== 'client_credentials' ||
        decodeURIComponent(id) !== CLIENT_ID ||
        !timingSafeEqual(presented, storedHash)
      ) {
        response.writeHead(401, headers).end('{"error":"invalid_client"}')
        return
      }
      const token = `gl_at_${randomBytes(32).toString('base64url')}`
      const body = JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'read write' })
      issue(token, () => response.writeHead(200, headers).end(body))
    })
  }

// The two tables and their indexes as Grantline's migrations leave them on SQLite.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS families (id TEXT PRIMARY KEY, consent_id TEXT, client_id TEXT NOT NULL, sub TEXT,
  scopes TEXT NOT NULL, auth_time INTEGER, acr TEXT, amr TEXT, nonce TEXT, claims TEXT, resource TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE INDEX IF NOT EXISTS families_client ON families (client_id);
CREATE INDEX IF NOT EXISTS families_expires ON families (expires_at);
CREATE INDEX IF NOT EXISTS families_revoked ON families (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS families_sub ON families (sub) WHERE sub IS NOT NULL;
CREATE TABLE IF NOT EXISTS access_tokens (hash TEXT PRIMARY KEY, family_id TEXT NOT NULL, client_id TEXT NOT NULL,
  sub TEXT, scopes TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER,
  audience TEXT NOT NULL DEFAULT '[]', cnf_jkt TEXT);
CREATE INDEX IF NOT EXISTS access_tokens_expires ON access_tokens (expires_at);
CREATE INDEX IF NOT EXISTS access_tokens_revoked ON access_tokens (revoked_at) WHERE revoked_at IS NOT NULL;`

/**
 * What SQLite adds to the irreducible work when a token is stored as Grantline stores one: the
 * SHA-256 of the token as its key, a family row and an access token row (the same columns and
 * indexes), better-sqlite3 on disk with WAL and synchronous=NORMAL (SQLite's own automatic
 * checkpoints). The inserts of one event-loop turn are committed in one transaction at
 * `setImmediate`, and each answer is sent after its commit: group commit, without savepoints,
 * retries or a checkpoint thread.
 */
function sqliteIssue(path) {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(SCHEMA)
  const family = db.prepare(
    'INSERT INTO families (id, client_id, scopes, resource, created_at, expires_at) VALUES (?, ?, \'["read","write"]\', \'[]\', ?, ?)',
  )
  const access = db.prepare(
    'INSERT INTO access_tokens (hash, family_id, client_id, scopes, created_at, expires_at, audience) VALUES (?, ?, ?, \'["read","write"]\', ?, ?, \'[]\')',
  )
  let queue = []
  const commit = db.transaction((rows) => {
    for (const [hash, familyId, now] of rows) {
      family.run(familyId, CLIENT_ID, now, now + 3600)
      access.run(hash, familyId, CLIENT_ID, now, now + 3600)
    }
  })
  const flush = () => {
    const batch = queue
    queue = []
    commit(batch.map((entry) => entry.row))
    for (const entry of batch) entry.send()
  }
  return (token, send) => {
    const row = [createHash('sha256').update(token).digest('hex'), randomBytes(16).toString('base64url'), Math.floor(Date.now() / 1000)]
    if (queue.length === 0) setImmediate(flush)
    queue.push({ row, send })
  }
}

if (mode === 'hono') {
  serve({
    port,
    hostname: '127.0.0.1',
    fetch: async (request) => {
      new URLSearchParams(await request.text())
      return new Response(FIXED, { headers })
    },
  })
} else {
  const handler =
    mode === 'irreducible'
      ? irreducible()
      : mode === 'irreducible-sqlite'
        ? irreducible(sqliteIssue(process.env.DB))
        : (request, response) => {
            request.resume()
            request.on('end', () => response.writeHead(200, headers).end(FIXED))
          }
  createServer(handler).listen(port, '127.0.0.1')
}
console.log(JSON.stringify({ ready: true, pid: process.pid }))
