// The SQLite checks: request latency with 1k vs 1M live tokens in the database, and the token
// endpoint's p99 during `grantline tokens clear` on 1M expired tokens against its p99 between clears.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { ACCESS_TOKEN, BASIC } from '../servers/bench-client.mjs'
import { startServer, stopServer } from './processes.mjs'
import { mergeRounds, runWrk } from './wrk.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const script = join(here, '..', 'servers', 'grantline-node.mjs')
const REQUESTS = {
  introspection: { path: '/o/introspect/', auth: BASIC, body: `token=${ACCESS_TOKEN}&token_type_hint=access_token` },
  client_credentials: { path: '/o/token/', auth: BASIC, body: 'grant_type=client_credentials' },
}

/**
 * `rows` tokens by a direct SQL bulk insert (a recursive CTE; random hashes, so the index is as
 * scattered as a real one), each with its own family; expired ones when `expired`.
 */
function bulkTokens(path, rows, { expired = false, tag = 'bulk' } = {}) {
  const db = new Database(path)
  db.pragma('busy_timeout = 10000')
  const now = Math.floor(Date.now() / 1000)
  const until = expired ? now - 60 : now + 3600
  const seq = `WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < ${rows})`
  const t0 = performance.now()
  db.transaction(() => {
    db.exec(`${seq} INSERT INTO families (id, consent_id, client_id, sub, scopes, auth_time, acr, amr, nonce, claims, resource, created_at, expires_at, revoked_at)
      SELECT '${tag}' || x, NULL, 'bench-client', NULL, '["read"]', NULL, NULL, NULL, NULL, NULL, '[]', ${now - 7200}, ${until}, NULL FROM seq`)
    db.exec(`${seq} INSERT INTO access_tokens (hash, family_id, client_id, sub, scopes, created_at, expires_at, revoked_at)
      SELECT lower(hex(randomblob(32))), '${tag}' || x, 'bench-client', NULL, '["read"]', ${now - 7200}, ${until}, NULL FROM seq`)
  }).immediate()
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return Math.round(performance.now() - t0)
}

async function startSqlite(db, port, env = {}) {
  const server = await startServer({
    id: `sqlite-${port}`,
    command: process.execPath,
    args: [script],
    env: { STORAGE: 'sqlite', DB: db, PORT: String(port), CONTROL_PORT: String(port + 1), ...env },
  })
  await fetch(`http://127.0.0.1:${port + 1}/seed?kind=access&start=0&count=1`, { method: 'POST' })
  return { ...server, port }
}

/** p50 at 1k and at 1M live tokens, two servers on two databases measured in alternating rounds. */
async function flatness({ quick, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-bench-flat-'))
  const plan = quick ? { rounds: 2, seconds: 1 } : { rounds: 5, seconds: 2 }
  const small = await startSqlite(join(dir, 'small.sqlite'), 19300)
  const large = await startSqlite(join(dir, 'large.sqlite'), 19310)
  try {
    bulkTokens(join(dir, 'small.sqlite'), 1_000)
    const insertMs = bulkTokens(join(dir, 'large.sqlite'), 1_000_000)
    log(`flatness: 1M live tokens (and their families) inserted in ${insertMs} ms`)
    const scenarios = {}
    for (const [scenario, spec] of Object.entries(REQUESTS)) {
      const runs = { small: [], large: [] }
      for (const s of [small, large]) await runWrk(s.port, spec, { seconds: 1 })
      for (let r = 0; r < plan.rounds; r++) {
        for (const [name, s] of r % 2
          ? [
              ['large', large],
              ['small', small],
            ]
          : [
              ['small', small],
              ['large', large],
            ]) {
          runs[name].push(await runWrk(s.port, spec, { seconds: plan.seconds }))
        }
      }
      const a = mergeRounds(runs.small)
      const b = mergeRounds(runs.large)
      scenarios[scenario] = { small: a, large: b, ratio: b.p50_ms / a.p50_ms }
      log(`flatness ${scenario}: p50 ${a.p50_ms} ms at 1k, ${b.p50_ms} ms at 1M`)
    }
    return { note: 'Node serve(), SQLite on disk, WAL, synchronous=NORMAL', insert_1m_ms: insertMs, scenarios }
  } finally {
    await stopServer(small.child)
    await stopServer(large.child)
  }
}

/** One request at a time on a keep-alive connection, for `until()`; answers latency figures. */
async function probe(port, until) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const times = []
  let failures = 0
  const once = () =>
    new Promise((resolve) => {
      const t0 = performance.now()
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/o/token/',
          method: 'POST',
          agent,
          headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            if (res.statusCode !== 200) failures++
            times.push(performance.now() - t0)
            resolve()
          })
        },
      )
      req.end('grant_type=client_credentials')
    })
  while (!until()) {
    await once()
    // About 500 requests/s: enough to see a stall, without saturating the two cores.
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  agent.destroy()
  const sorted = times.sort((a, b) => a - b)
  const at = (q) => Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2))
  return {
    requests: sorted.length,
    failures,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    p999_ms: at(0.999),
    max_ms: Number((sorted.at(-1) ?? 0).toFixed(2)),
    slowest_ms: sorted.slice(-5).map((ms) => Number(ms.toFixed(2))),
  }
}

/** Runs `grantline tokens clear` once on `db` while a probe measures the token endpoint. */
async function clearOnce(db, dir, port, batch) {
  let finished = false
  const t0 = performance.now()
  const command = [
    join(root, 'adapters', 'node', 'dist', 'cli', 'main.js'),
    'tokens',
    'clear',
    '--db',
    db,
    '--data',
    dir,
    ...(batch ? ['--batch', batch] : []),
    '--json',
  ]
  const cli = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  cli.stdout.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise((resolve) => cli.once('exit', resolve))
  exited.then(() => {
    finished = true
  })
  const during = await probe(port, () => finished)
  const code = await exited
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(1))
  const removed = Number(/"removed":\s*(\d+)/.exec(output)?.[1] ?? 0)
  return { removed, seconds, exit_code: code, during }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * `grantline tokens clear` on 1M expired tokens (and their families), three times, each against a
 * window without a clear just before it: the token endpoint's p99 during the clear over its p99
 * in the window before, so that the figure is what the clear adds on this machine at this moment.
 * Each alternation inserts the expired rows afresh (unmeasured), probes a quiet window, then
 * probes the clear. The check is the median of the three ratios.
 */
async function clear({ quick, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-bench-clear-'))
  const db = join(dir, 'clear.sqlite')
  const tokens = quick ? 200_000 : 1_000_000
  // The CLI's default pacing (batches of 100); BENCH_CLEAR_BATCH sets another batch size.
  const batch = process.env.BENCH_CLEAR_BATCH
  // Long enough (about 8,000 requests at full length) that p99 is not a handful of outliers.
  const windowMs = quick ? 5000 : 20000
  const server = await startSqlite(db, 19320, { CLEANUP: '0' })
  try {
    // A fresh server: one unrecorded second warms it up (JIT) so that the first window is its steady state.
    const warmEnd = Date.now() + 1000
    await probe(server.port, () => Date.now() > warmEnd)
    const alternations = []
    for (let i = 1; i <= 3; i++) {
      const insertMs = bulkTokens(db, tokens, { expired: true, tag: `old${i}-` })
      log(`clear ${i}/3: ${tokens} expired tokens (and their families) inserted in ${insertMs} ms`)
      const betweenEnd = Date.now() + windowMs
      const between = await probe(server.port, () => Date.now() > betweenEnd)
      const run = await clearOnce(db, dir, server.port, batch)
      const ratio = Number((run.during.p99_ms / between.p99_ms).toFixed(2))
      log(
        `clear ${i}/3: exit ${run.exit_code}, removed ${run.removed} rows in ${run.seconds} s; probe p99 ${between.p99_ms} -> ${run.during.p99_ms} ms (${ratio}x), p99.9 ${between.p999_ms} -> ${run.during.p999_ms} ms, max ${between.max_ms} -> ${run.during.max_ms} ms`,
      )
      alternations.push({ ...run, between, p99_ratio: ratio })
    }
    return {
      rows: tokens * 2,
      tokens,
      batch: batch ? Number(batch) : 'default',
      window_seconds: windowMs / 1000,
      alternations,
      removed_all: alternations.every((a) => a.exit_code === 0 && a.removed >= tokens * 2),
      p99_ratio: median(alternations.map((a) => a.p99_ratio)),
    }
  } finally {
    await stopServer(server.child)
  }
}

export async function sqliteChecks(options) {
  const flat = process.env.BENCH_SKIP_FLATNESS ? undefined : await flatness(options)
  return { flatness: flat, clear: await clear(options) }
}
