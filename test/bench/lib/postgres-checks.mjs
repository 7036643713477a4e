// The PostgreSQL and multi-core part of `npm run bench`: Grantline with 2 workers on PostgreSQL
// against DOT 1.7 on gunicorn with 2 workers on the same PostgreSQL (client_credentials, code
// redemption, refresh), and `--workers` 1 against 2 on SQLite and on PostgreSQL. Every server gets
// a database of its own, created here and dropped at the end. The servers are measured round-robin
// in short rounds, as the main table is, so that they share machine conditions.
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { BASIC, CLIENT_SECRET, REDIRECT_URI, VERIFIER } from '../servers/bench-client.mjs'
import { dotSeeder, grantlineSeeder } from './postgres-seed.mjs'
import { cpuTicks, peakRssMiB, startServer, stopServer } from './processes.mjs'
import { mergeRounds, runWrk } from './wrk.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const servers = join(here, '..', 'servers')
const root = join(here, '..', '..', '..')
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test'
const CODE_CLIENT_ID = 'bench-client-code'

const enc = encodeURIComponent
const CC = { path: '/o/token/', auth: BASIC, body: 'grant_type=client_credentials' }
const code = (prefix, auth = BASIC) => ({
  path: '/o/token/',
  auth,
  body: `grant_type=authorization_code&code=${prefix}{n}&redirect_uri=${enc(REDIRECT_URI)}&code_verifier=${VERIFIER}`,
  seed: 'code',
})
const refresh = (prefix, auth = BASIC) => ({
  path: '/o/token/',
  auth,
  body: `grant_type=refresh_token&refresh_token=${prefix}{n}`,
  seed: 'refresh',
})
const DOT_CODE_AUTH = `Basic ${btoa(`${CODE_CLIENT_ID}:${CLIENT_SECRET}`)}`

/** The URL without its password, for messages. */
const describe = (url) => {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}
const withDatabase = (url, name) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

async function connect(url) {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} })
  try {
    await sql`SELECT 1`
    return sql
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {})
    throw new Error(
      `PostgreSQL at ${describe(url)} does not answer (${error.code ?? error.message}). Start one (Debian: ` +
        'apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; the bench ' +
        "connects as the URL's user, which must be allowed to create databases), point BENCH_POSTGRES_URL at another, or skip " +
        'this part with --no-postgres.',
    )
  }
}

/** The servers of this part, with their seeders once their databases exist. */
function serverList(url, names, sqliteDir) {
  const node = (script, env) => ({ command: process.execPath, args: [join(servers, script)], env })
  const controlSeed = (server) => async (kind, start, count) => {
    if (count <= 0) return
    const response = await fetch(`http://127.0.0.1:${server.controlPort}/seed?kind=${kind}&start=${start}&count=${count}`, {
      method: 'POST',
      headers: { connection: 'close' },
    })
    if (!response.ok) throw new Error(`${server.id}: seeding ${kind} failed: ${await response.text()}`)
  }
  const grantlinePg = (workers) => ({
    id: `grantline-pg-w${workers}`,
    database: names[`w${workers}`],
    label: `Grantline, Node serve() x${workers} (--workers ${workers}), PostgreSQL, pool of 10 per process`,
    start: node('grantline-postgres.mjs', { DATABASE_URL: withDatabase(url, names[`w${workers}`]), WORKERS: String(workers) }),
    seeder: async () => {
      const sql = postgres(withDatabase(url, names[`w${workers}`]), { max: 1, onnotice: () => {} })
      return { seed: grantlineSeeder(sql), close: () => sql.end({ timeout: 5 }) }
    },
    scenarios: {
      client_credentials: CC,
      ...(workers === 2 ? { authorization_code: code('gl_ac_bench') } : {}),
      refresh_token: refresh('gl_rt_bench'),
    },
  })
  const grantlineSqlite = (workers) => ({
    id: `grantline-sqlite-w${workers}`,
    label: `Grantline, Node serve() x${workers} (--workers ${workers}), SQLite (WAL, synchronous=NORMAL)`,
    start: node('grantline-node.mjs', { STORAGE: 'sqlite', DB: join(sqliteDir, `w${workers}.sqlite`), WORKERS: String(workers) }),
    controlSeed,
    scenarios: { client_credentials: CC, refresh_token: refresh('gl_rt_bench') },
  })
  return [
    grantlinePg(2),
    {
      id: 'dot-pg',
      database: names.dot,
      label: 'DOT 1.7, gunicorn 2 workers, PostgreSQL (CONN_MAX_AGE=60)',
      start: node('dot-postgres.mjs', { DATABASE_URL: withDatabase(url, names.dot), CODE_CLIENT_ID }),
      seeder: async () => {
        const sql = postgres(withDatabase(url, names.dot), { max: 1, onnotice: () => {} })
        return { seed: await dotSeeder(sql, CODE_CLIENT_ID), close: () => sql.end({ timeout: 5 }) }
      },
      scenarios: {
        client_credentials: CC,
        authorization_code: code('dot_ac_bench', DOT_CODE_AUTH),
        refresh_token: refresh('dot_rt_bench', DOT_CODE_AUTH),
      },
    },
    grantlinePg(1),
    grantlineSqlite(1),
    grantlineSqlite(2),
  ]
}

const ratio = (a, b) => (b > 0 ? Number((a / b).toFixed(2)) : null)

/** Grantline x2 over DOT x2 on PostgreSQL, and 2 workers over 1 per storage, from the merged rows. */
function compare(scenarios) {
  const pick = ({ rps, p50_ms, p99_ms }) => ({ rps, p50_ms, p99_ms })
  const versusDot = {}
  const scaling = { sqlite: {}, postgres: {} }
  for (const [scenario, rows] of Object.entries(scenarios)) {
    const [gl, dot] = [rows['grantline-pg-w2'], rows['dot-pg']]
    if (gl && dot)
      versusDot[scenario] = {
        grantline: pick(gl),
        dot: pick(dot),
        rps_ratio: ratio(gl.rps, dot.rps),
        p99_ratio: ratio(gl.p99_ms, dot.p99_ms),
      }
    for (const [storage, prefix] of [
      ['sqlite', 'grantline-sqlite'],
      ['postgres', 'grantline-pg'],
    ]) {
      const [one, two] = [rows[`${prefix}-w1`], rows[`${prefix}-w2`]]
      if (one && two)
        scaling[storage][scenario] = {
          w1: pick(one),
          w2: pick(two),
          rps_ratio: ratio(two.rps, one.rps),
          p99_ratio: ratio(two.p99_ms, one.p99_ms),
        }
    }
  }
  return { versus_dot: versusDot, scaling }
}

/**
 * CPU time so far of each PostgreSQL backend serving `database`, read from /proc (none when
 * PostgreSQL runs on another machine), and the cluster's WAL position: WAL written by anything
 * else in the meantime counts too.
 */
async function databaseWork(admin, database) {
  const rows = await admin`SELECT pid FROM pg_stat_activity WHERE datname = ${database}`
  const [{ lsn }] = await admin`SELECT pg_current_wal_lsn()::text AS lsn`
  return { ticks: new Map(rows.map((row) => [row.pid, cpuTicks(row.pid)])), lsn }
}

/**
 * The backends' CPU between two readings, backend by backend. A backend that closed in between
 * (Django closes its connection once older than CONN_MAX_AGE, and opens another) takes its CPU
 * with it: what it used since the first reading is missed, so the figure is a lower bound then,
 * never the negative number a difference of sums would give.
 */
function backendTicks(before, after) {
  let ticks = 0
  for (const [pid, now] of after.ticks) ticks += now - (before.ticks.get(pid) ?? 0)
  return ticks
}

/** PostgreSQL's side of a server's rounds: backend CPU (µs) and WAL (bytes) per request. */
function perRequest(rounds) {
  if (!rounds.some((r) => r.wal_bytes !== undefined)) return {}
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0)
  const total = (field) => rounds.reduce((sum, r) => sum + (r[field] ?? 0), 0)
  return {
    pg_cpu_us_per_request: Number(((total('pg_ticks') * 10_000) / requests).toFixed(1)),
    wal_bytes_per_request: Math.round(total('wal_bytes') / requests),
  }
}

/** Round-robin rounds of every scenario over the servers that take it, as in run.mjs. */
async function measure(running, plan, log, admin) {
  const round = async (server, scenario, seconds) => {
    const spec = server.scenarios[scenario]
    server.state[scenario] ??= { next: 0, seededTo: 0, estimate: 5000 }
    const state = server.state[scenario]
    if (spec.seed) {
      // Rates vary twofold between rounds on a shared machine: room for 2.5x the fastest round yet.
      const count = Math.ceil(state.estimate * seconds * 2.5) + 1000
      const from = Math.max(state.next, state.seededTo)
      await server.seed(spec.seed, from, state.next + count - from)
      state.seededTo = Math.max(from, state.next + count)
    }
    const ticks = cpuTicks(server.pid, 'tree')
    const before = server.database && (await databaseWork(admin, server.database))
    const result = await runWrk(server.port, spec, { seconds, start: state.next })
    result.cpu_ticks = cpuTicks(server.pid, 'tree') - ticks
    if (before) {
      const after = await databaseWork(admin, server.database)
      result.pg_ticks = backendTicks(before, after)
      result.wal_bytes = Number((await admin`SELECT pg_wal_lsn_diff(${after.lsn}, ${before.lsn}) AS d`)[0].d)
    }
    state.next += result.sent
    state.estimate = Math.max(state.warm ? state.estimate : 0, result.requests / (result.duration_us / 1e6))
    state.warm = true
    return result
  }
  const scenarios = {}
  for (const scenario of ['client_credentials', 'authorization_code', 'refresh_token']) {
    const taking = running.filter((s) => s.scenarios[scenario])
    log(`\n== postgres/${scenario}: ${taking.map((s) => s.id).join(', ')}`)
    for (const server of taking) await round(server, scenario, plan.warmup)
    const rounds = new Map(taking.map((s) => [s.id, []]))
    for (let r = 0; r < plan.rounds; r++) {
      const order = taking.map((_, i) => taking[(i + r) % taking.length])
      for (const server of order) rounds.get(server.id).push(await round(server, scenario, plan.seconds))
      log(
        `  round ${r + 1}/${plan.rounds}: ${order.map((s) => `${s.id} ${Math.round(rounds.get(s.id).at(-1).requests / plan.seconds)}/s`).join(', ')}`,
      )
    }
    scenarios[scenario] = Object.fromEntries(
      taking.map((s) => [s.id, { ...mergeRounds(rounds.get(s.id)), ...perRequest(rounds.get(s.id)) }]),
    )
    for (const [id, row] of Object.entries(scenarios[scenario])) {
      if (row.non2xx || row.socket_errors)
        log(`  ${id}: ${row.non2xx} non-2xx, ${row.socket_errors} socket errors ${row.first_error ?? ''}`)
    }
  }
  return scenarios
}

/** BENCH_POSTGRES_URL, else DATABASE_URL, else the local server's `test` database. */
const postgresUrl = () => process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL ?? DEFAULT_URL

/** Throws, saying how to start one, when no PostgreSQL answers: called before the main run. */
export async function assertPostgres() {
  await (await connect(postgresUrl())).end({ timeout: 5 })
}

/**
 * Runs this part and answers its results (for latest.json). `plan` is the runner's
 * `{ rounds, seconds, warmup }`. It fails with how to start a server when none answers.
 */
export async function postgresChecks({ plan, log }) {
  const url = postgresUrl()
  const admin = await connect(url)
  // DOT 1.7 on PostgreSQL needs psycopg2 besides DOT itself (both Debian packages).
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure-dot1.mjs')], { stdio: 'inherit' })
  const tag = `grantline_bench_${process.pid}`
  const names = { w1: `${tag}_w1`, w2: `${tag}_w2`, dot: `${tag}_dot` }
  const running = []
  const seeders = []
  try {
    for (const name of Object.values(names)) await admin.unsafe(`CREATE DATABASE ${name}`)
    let port = 19400
    for (const server of serverList(url, names, mkdtempSync(join(tmpdir(), 'grantline-bench-workers-')))) {
      const [serverPort, controlPort] = [port++, port++]
      log(`starting ${server.id} on ${serverPort}`)
      const started = await startServer({
        id: server.id,
        ...server.start,
        env: { ...server.start.env, PORT: String(serverPort), CONTROL_PORT: String(controlPort) },
      })
      const entry = { ...server, port: serverPort, controlPort, child: started.child, pid: started.info.pid, state: {} }
      running.push(entry)
      if (server.seeder) {
        const seeder = await server.seeder()
        seeders.push(seeder)
        entry.seed = seeder.seed
      } else entry.seed = server.controlSeed(entry)
    }
    const scenarios = await measure(running, plan, log, admin)
    for (const seeder of seeders.splice(0)) await seeder.close()
    // What each database holds open now that every server has served: the pools' connections.
    const held = await admin`SELECT datname, count(*)::int AS n FROM pg_stat_activity WHERE datname LIKE ${`${tag}_%`} GROUP BY datname`
    const results = {
      database: describe(url),
      max_connections: Number((await admin`SHOW max_connections`)[0].max_connections),
      connections_held: Object.fromEntries(held.map((row) => [row.datname.slice(tag.length + 1), row.n])),
      servers: Object.fromEntries(running.map((s) => [s.id, { label: s.label, peak_rss_mib: peakRssMiB(s.pid, 'tree') }])),
      scenarios,
      ...compare(scenarios),
    }
    for (const [scenario, row] of Object.entries(results.versus_dot)) {
      log(
        `postgres ${scenario}: Grantline x2 ${row.grantline.rps}/s (p99 ${row.grantline.p99_ms} ms), DOT x2 ${row.dot.rps}/s (p99 ${row.dot.p99_ms} ms): ${row.rps_ratio}x`,
      )
    }
    for (const [storage, rows] of Object.entries(results.scaling)) {
      for (const [scenario, row] of Object.entries(rows))
        log(
          `workers ${storage} ${scenario}: ${row.w1.rps}/s -> ${row.w2.rps}/s (${row.rps_ratio}x), p99 ${row.w1.p99_ms} -> ${row.w2.p99_ms} ms`,
        )
    }
    return results
  } finally {
    await Promise.all(running.map((s) => stopServer(s.child)))
    for (const seeder of seeders) await seeder.close()
    for (const name of Object.values(names)) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {})
    await admin.end({ timeout: 5 })
  }
}
