// The soak check: does a server's resident memory stay flat while tokens are issued and expire
// without end? For each storage, a server issues client_credentials tokens at a steady RATE per
// second with a short lifetime (TTL seconds) while cleanup removes expired rows every CLEAR
// seconds; its RSS is read from /proc every SAMPLE seconds.
//
//   memory    soak-memory-server.mjs: serve() of @grantline/node over memoryStorage(), cleanup
//             in-process (the CLI serves no memory storage)
//   sqlite    `grantline serve --db FILE`, and `grantline tokens clear --db FILE` beside it
//   postgres  `grantline serve --db postgres://...`, and `grantline tokens clear` beside it, on a
//             database of its own (grantline_soak, dropped and made afresh; SOAK_PG names another)
//
// The run is cut into windows of one minute (a third of the run when shorter than 3 minutes). The
// first is warm-up (code compiled, tables grown to their steady size: TTL + CLEAR seconds of
// tokens). Gate: the median RSS of the last window is at most 10% above that of the second.
// Also reported: the first window's median and the slope (MiB per minute, least squares over
// every sample after the first window).
//
//   node test/bench/lib/soak.mjs [--minutes 10] [--storages memory,sqlite,postgres] [--rate 300] [--ttl 10] [--clear 10]
//   node test/bench/run.mjs --soak [--minutes N]
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const cli = join(root, 'adapters', 'node', 'dist', 'cli', 'main.js')
const run = promisify(execFile)
export const STORAGES = ['memory', 'sqlite', 'postgres']
/** The gate: the last window's median RSS over the second window's. */
export const MAX_GROWTH = 1.1

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Least-squares slope of y over x. */
const slope = (points) => {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((s, p) => s + p.x, 0) / n
  const my = points.reduce((s, p) => s + p.y, 0) / n
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0)
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0)
  return den === 0 ? 0 : num / den
}

const rssMiB = (pid) => {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb) / 1024
}

/** Starts `args` under node and resolves with the child and the JSON line it prints when it listens. */
function start(args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stderr.on('data', (chunk) => {
    err += chunk
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening after 60 s\n${err}`)), 60_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${code} before listening\n${err}`))
    })
    child.stdout.on('data', (chunk) => {
      out += chunk
      const line = out.split('\n').find((l) => l.startsWith('{"listening"'))
      if (!line) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      child.stdout.removeAllListeners('data')
      child.stdout.resume()
      resolve({ child, info: JSON.parse(line) })
    })
  })
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await gone
  clearTimeout(timer)
}

/** A fresh PostgreSQL database for the run (the CLI migrates it). */
async function freshPostgres(url) {
  const name = new URL(url).pathname.slice(1)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  await run('psql', [admin.toString(), '-qc', `DROP DATABASE IF EXISTS ${name}`])
  await run('psql', [admin.toString(), '-qc', `CREATE DATABASE ${name}`])
}

/** The server of `storage`, a client_credentials client of it, and how its expired rows are cleared. */
async function startStorage(storage, { ttl, clear, dir }) {
  if (storage === 'memory') {
    const { child, info } = await start([join(here, 'soak-memory-server.mjs')], { TTL: String(ttl), CLEAR_EVERY: String(clear) })
    return { child, url: info.listening, clientId: info.client_id, secret: info.client_secret, clearOnce: null }
  }
  const db = storage === 'sqlite' ? join(dir, 'soak.sqlite') : (process.env.SOAK_PG ?? 'postgres://127.0.0.1:5432/grantline_soak')
  if (storage === 'postgres') await freshPostgres(db)
  const config = join(dir, 'config.json')
  writeFileSync(config, JSON.stringify({ ttl: { accessToken: ttl } }))
  const common = ['--data', dir, '--db', db, '--config', config]
  const created = await run(process.execPath, [
    cli,
    'clients',
    'create',
    '--name',
    'soak',
    '--grant-type',
    'client_credentials',
    '--json',
    ...common,
  ])
  const { client_id, client_secret } = JSON.parse(created.stdout)
  const { child, info } = await start([cli, 'serve', '--port', '0', '--no-demo', '--json', ...common])
  const clearOnce = async () =>
    JSON.parse((await run(process.execPath, [cli, 'tokens', 'clear', '--batch', '1000', '--json', ...common])).stdout).removed
  return { child, url: info.listening, clientId: client_id, secret: client_secret, clearOnce }
}

/** Soaks one storage; answers its samples and figures. */
export async function soakStorage(storage, { minutes = 10, rate = 300, ttl = 10, clear = 10, sample = 5, log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `grantline-soak-${storage}-`))
  const server = await startStorage(storage, { ttl, clear, dir })
  const { port } = new URL(server.url)
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  const auth = `Basic ${btoa(`${encodeURIComponent(server.clientId)}:${encodeURIComponent(server.secret)}`)}`
  const body = 'grant_type=client_credentials'
  const counts = { ok: 0, failed: 0, skipped: 0, removed: 0, failures: {} }
  const fail = (why) => {
    counts.failed++
    counts.failures[why] = (counts.failures[why] ?? 0) + 1
  }
  let inFlight = 0
  const issue = () => {
    // Never more than 64 waiting: a stalled server shows as skipped requests, not as our own memory.
    if (inFlight >= 64) {
      counts.skipped++
      return
    }
    inFlight++
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/o/token/',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
      },
      (res) => {
        res.resume()
        res.on('end', () => {
          inFlight--
          if (res.statusCode === 200) counts.ok++
          else fail(String(res.statusCode))
        })
      },
    )
    req.on('error', (error) => {
      inFlight--
      fail(error.code ?? error.message)
    })
    req.end(body)
  }
  const durationMs = minutes * 60_000
  const started = Date.now()
  const samples = []
  const perTick = rate / 10
  let owed = 0
  const load = setInterval(() => {
    for (owed += perTick; owed >= 1; owed--) issue()
  }, 100)
  const sampler = setInterval(() => samples.push({ t: (Date.now() - started) / 1000, rss: rssMiB(server.child.pid) }), sample * 1000)
  let clearing = Promise.resolve()
  const clearer = server.clearOnce
    ? setInterval(() => {
        clearing = clearing.then(async () => {
          counts.removed += await server.clearOnce().catch((error) => {
            log(`  ${storage}: tokens clear failed: ${error.message}`)
            return 0
          })
        })
      }, clear * 1000)
    : null
  const progress = setInterval(() => {
    const last = samples.at(-1)
    log(`  ${storage}: ${Math.round((Date.now() - started) / 1000)} s, ${counts.ok} tokens, RSS ${last ? last.rss.toFixed(1) : '?'} MiB`)
  }, 60_000)
  await new Promise((resolve) => setTimeout(resolve, durationMs))
  clearInterval(load)
  // The requests still on their way finish before the server stops.
  for (let waited = 0; inFlight > 0 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
  clearInterval(sampler)
  clearInterval(progress)
  if (clearer) clearInterval(clearer)
  await clearing
  await stop(server.child)
  agent.destroy()
  rmSync(dir, { recursive: true, force: true })
  const measured = figures(samples, durationMs / 1000)
  // The gate: flat RSS, and no request failed.
  const pass = measured.pass && counts.failed === 0
  return { storage, ...measured, pass, requests: counts, rate, ttl_seconds: ttl, clear_every_seconds: clear }
}

/** The windows' medians, the slope after warm-up, and the gate. */
export function figures(samples, seconds) {
  const window = Math.min(60, seconds / 3)
  const within = (from, to) => samples.filter((s) => s.t >= from && s.t < to).map((s) => s.rss)
  const first = median(within(0, window))
  const second = median(within(window, 2 * window))
  const last = median(within(seconds - window, Number.POSITIVE_INFINITY))
  const perMinute = slope(samples.filter((s) => s.t >= window).map((s) => ({ x: s.t / 60, y: s.rss })))
  const round = (value) => Math.round(value * 10) / 10
  return {
    window_seconds: window,
    rss_mib: { first: round(first), second: round(second), last: round(last) },
    slope_mib_per_minute: Math.round(perMinute * 100) / 100,
    samples: samples.length,
    pass: last <= second * MAX_GROWTH,
  }
}

/** Every storage in turn; answers the results and prints one line each. */
export async function soak({ storages = STORAGES, log = (line) => process.stdout.write(`${line}\n`), ...options } = {}) {
  const results = []
  for (const storage of storages) {
    log(`soak ${storage}: ${options.minutes ?? 10} min at ${options.rate ?? 300} tokens/s, ${options.ttl ?? 10} s tokens`)
    const result = await soakStorage(storage, { ...options, log })
    const { first, second, last } = result.rss_mib
    const { ok, failed, skipped, removed } = result.requests
    log(
      `${result.pass ? 'PASS' : 'FAIL'} soak ${storage}: RSS median ${first} MiB (window 1), ${second} MiB (window 2), ${last} MiB (last); ` +
        `slope ${result.slope_mib_per_minute} MiB/min; ${ok} tokens, ${failed} failed${failed ? ` ${JSON.stringify(result.requests.failures)}` : ''}, ` +
        `${skipped} skipped${removed ? `, ${removed} rows cleared` : ''}`,
    )
    results.push(result)
  }
  return results
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      storages: { type: 'string', default: STORAGES.join(',') },
      rate: { type: 'string', default: '300' },
      ttl: { type: 'string', default: '10' },
      clear: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  })
  const results = await soak({
    storages: values.storages.split(','),
    minutes: Number(values.minutes),
    rate: Number(values.rate),
    ttl: Number(values.ttl),
    clear: Number(values.clear),
  })
  if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`)
  process.exit(results.every((r) => r.pass) ? 0 : 1)
}
