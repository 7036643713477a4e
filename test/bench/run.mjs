// `npm run bench`: Grantline side by side with the servers it is compared with. Starts every
// server, then for each scenario runs wrk (1 thread, 32 connections) against the servers
// round-robin in short rounds, so that they share machine conditions; then the SQLite checks
// (latency at 1k vs 1M live tokens, and the token endpoint's p99 during `tokens clear` of 1M
// expired tokens against its p99 between clears), and `grantline import-dot` of 1M DOT 3 access
// tokens. Prints the tables and the PASS/FAIL gates; writes test/bench/results/latest.{json,md},
// and after a full run (no --quick, --only, --scenarios or --no-* flag) the README's section
// between its bench markers; exits 1 when a gate fails. Not part of `npm test`.
//
//   node test/bench/run.mjs [--quick] [--only id,id] [--scenarios a,b] [--no-sqlite-checks] [--no-import-dot] [--no-postgres] [--no-memory] [--no-build]
//   node test/bench/run.mjs --soak [--minutes 10]   (only the soak check: lib/soak.mjs)
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { clientAssertions } from './lib/client-assertions.mjs'
import { dpopProofs, generateKeyPair } from './lib/dpop.mjs'
import { importDotCheck } from './lib/import-dot-check.mjs'
import { renderMarkdown, renderReadme } from './lib/markdown.mjs'
import { measureMemoryPerToken, memoryPerTokenGate } from './lib/memory-per-token.mjs'
import { assertPostgres, postgresChecks } from './lib/postgres-checks.mjs'
import { renderPostgresMarkdown } from './lib/postgres-markdown.mjs'
import { cpuTicks, peakRssMiB, startServer, stopServer } from './lib/processes.mjs'
import { evaluateGates, loadAverage, machineInfo } from './lib/report.mjs'
import { SCENARIOS, serverList } from './lib/servers.mjs'
import { sqliteChecks } from './lib/sqlite-checks.mjs'
import { mergeRounds, runWrk } from './lib/wrk.mjs'
import { PEERS, runtimeBinary, setup } from './setup.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    scenarios: { type: 'string' },
    'no-sqlite-checks': { type: 'boolean', default: false },
    'no-import-dot': { type: 'boolean', default: false },
    'no-postgres': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'no-memory': { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    minutes: { type: 'string', default: '10' },
  },
})
// 10 s per server and scenario in 5 rounds of 2 s (--quick: 2 s in 2 rounds of 1 s), after a 1 s warm-up.
const plan = opts.quick ? { rounds: 2, seconds: 1, warmup: 1 } : { rounds: 5, seconds: 2, warmup: 1 }
const log = (line) => process.stdout.write(`${line}\n`)

setup()
if (!opts['no-build']) execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' })
const { resolvePeer } = await import(join(PEERS, 'resolve.mjs'))
if (opts.soak) {
  const started = new Date().toISOString()
  const minutes = Number(opts.minutes)
  const soaked = await (await import('./lib/soak.mjs')).soak({ minutes })
  // A run of the documented length is kept beside the main results; a shorter one is for development.
  if (minutes >= 10) {
    const { renderSoakMarkdown } = await import('./lib/soak-report.mjs')
    const run = {
      started,
      finished: new Date().toISOString(),
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
      machine: machineInfo(),
      minutes,
      results: soaked,
    }
    mkdirSync(join(here, 'results'), { recursive: true })
    writeFileSync(join(here, 'results', 'soak.json'), `${JSON.stringify(run, null, 2)}\n`)
    writeFileSync(join(here, 'results', 'soak.md'), renderSoakMarkdown(run))
  }
  process.exit(soaked.every((r) => r.pass) ? 0 : 1)
}

const only = opts.only?.split(',')
// The PostgreSQL part runs last (`--only postgres` runs it alone); a missing server fails now, not after the rest.
const postgresPart = !opts['no-postgres'] && (!only || only.includes('postgres'))
if (postgresPart) await assertPostgres()
const wantedScenarios = opts.scenarios?.split(',') ?? SCENARIOS
const list = serverList({ resolvePeer }).filter((s) => !only || only.includes(s.id))

let nextPort = 19100
const running = []
const shutdown = async () => {
  await Promise.all(running.map((s) => stopServer(s.child)))
}
process.on('SIGINT', async () => {
  await shutdown()
  process.exit(130)
})

const args = process.argv.slice(2)
// Anything that leaves out or shortens part of the run makes it a development run.
const partial = args.filter((arg) => /^--(quick|only|scenarios|no-sqlite-checks|no-import-dot|no-postgres|no-memory)\b/.test(arg))
const results = {
  started: new Date().toISOString(),
  machine: machineInfo({ bun: runtimeBinary('bun'), deno: runtimeBinary('deno') }),
  plan,
  command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
  ...(partial.length ? { partial: partial.join(' ') } : {}),
  servers: {},
  scenarios: {},
}
try {
  for (const server of list) {
    const port = nextPort++
    const controlPort = nextPort++
    log(`starting ${server.id} on ${port}`)
    const started = await startServer({
      id: server.id,
      ...server.start,
      env: { ...server.start.env, PORT: String(port), CONTROL_PORT: String(controlPort) },
    })
    running.push({ ...server, port, controlPort, child: started.child, pid: started.info.pid, next: {} })
  }

  const seed = async (server, kind, start, count) => {
    const url = `http://127.0.0.1:${server.controlPort}/seed?kind=${kind}&start=${start}&count=${count}`
    const init = { method: 'POST', headers: { connection: 'close' } }
    // Once more if the connection was closed under the request (an idle keep-alive socket).
    const response = await fetch(url, init).catch(() => fetch(url, init))
    if (!response.ok) throw new Error(`${server.id}: seeding ${kind} failed: ${await response.text()}`)
    return response.json()
  }

  /** The request of one round, after pre-creating what it will consume. */
  const prepare = async (server, scenario, seconds) => {
    const spec = { ...server.scenarios[scenario] }
    server.state ??= {}
    server.state[scenario] ??= { next: 0, estimate: server.id.includes('workerd') || spec.dpop || spec.privateKeyJwt ? 4000 : 25000 }
    const state = server.state[scenario]
    if (spec.seedOnce) {
      if (!state.seeded) state.value = (await seed(server, spec.seedOnce, 0, 1)).values?.[0]
      state.seeded = true
      if (state.value) spec.body = spec.body?.replace('{v}', encodeURIComponent(state.value))
    }
    if (spec.dpop) {
      // RFC 9449 §11.1: single-use proofs with a fresh iat, made for this round only.
      state.keys ??= await generateKeyPair('ES256')
      const count = Math.ceil(state.estimate * seconds * 2.5) + 1000
      spec.proofs = await dpopProofs(state.keys, spec.dpop, count)
    }
    if (spec.privateKeyJwt) {
      // RFC 7523 §3: single-use assertions with a fresh iat, made for this round only, read from 0.
      const { clientId, jwk, aud } = spec.privateKeyJwt
      spec.tokens = await clientAssertions(jwk, clientId, aud, Math.ceil(state.estimate * seconds * 2.5) + 1000)
    }
    if (spec.seed) {
      // Rates vary twofold between rounds on a shared machine: room for 2.5x the fastest round yet.
      const count = Math.ceil(state.estimate * seconds * 2.5) + 1000
      // Values from `next` on are consumed in order; those made before and still unused are kept.
      const from = server.fromFile ? state.next : Math.max(state.next, state.seededTo ?? 0)
      const seeded = await seed(server, spec.seed, from, Math.max(0, state.next + count - from))
      state.seededTo = Math.max(from, state.next + count)
      if (server.fromFile) spec.tokens = seeded.values
      if (spec.ownClient) spec.auth = `Basic ${btoa(`${seeded.credentials.clientId}:${seeded.credentials.clientSecret}`)}`
    }
    return { spec, state }
  }

  const round = async (server, scenario, seconds) => {
    const { spec, state } = await prepare(server, scenario, seconds)
    const start = server.fromFile || spec.privateKeyJwt ? 0 : state.next
    const ticks = cpuTicks(server.pid, server.rss)
    const result = await runWrk(server.port, spec, { seconds, start })
    // Server CPU time per request: steadier than req/s when other work shares the cores.
    result.cpu_ticks = cpuTicks(server.pid, server.rss) - ticks
    state.next += result.sent
    // A code is good for ttl.code (60 s) after it is made (RFC 6749 §4.1.2): the next round takes
    // codes made for it, never the unused ones of an earlier round.
    if (spec.seed === 'code') state.next = Math.max(state.next, state.seededTo ?? 0)
    state.estimate = Math.max(state.warm ? state.estimate : 0, result.requests / (result.duration_us / 1e6))
    state.warm = true
    return result
  }

  for (const scenario of wantedScenarios) {
    const taking = running.filter((s) => s.scenarios[scenario])
    if (taking.length === 0) continue
    log(`\n== ${scenario}: ${taking.map((s) => s.id).join(', ')}`)
    for (const server of taking) await round(server, scenario, plan.warmup)
    const rounds = new Map(taking.map((s) => [s.id, []]))
    for (let r = 0; r < plan.rounds; r++) {
      // Rotate the order each round, so that no server always follows the same neighbour.
      const order = taking.map((_, i) => taking[(i + r) % taking.length])
      for (const server of order) rounds.get(server.id).push(await round(server, scenario, plan.seconds))
      log(
        `  round ${r + 1}/${plan.rounds}: ${order.map((s) => `${s.id} ${Math.round(rounds.get(s.id).at(-1).requests / plan.seconds)}/s p99 ${(rounds.get(s.id).at(-1).p99_us / 1000).toFixed(1)} ms`).join(', ')}`,
      )
    }
    results.scenarios[scenario] = Object.fromEntries(taking.map((s) => [s.id, mergeRounds(rounds.get(s.id))]))
  }

  for (const server of running) {
    results.servers[server.id] = { label: server.label, group: server.group, peak_rss_mib: peakRssMiB(server.pid, server.rss) }
  }
} finally {
  await shutdown()
}

if (!opts['no-sqlite-checks'] && (!only || only.includes('grantline-sqlite'))) {
  results.sqlite = await sqliteChecks({ quick: opts.quick, log })
}
// Migration throughput, not a server: measured whatever --only names, unless turned off.
if (!opts['no-import-dot']) {
  results.import_dot = await importDotCheck({ tokens: opts.quick ? 100_000 : 1_000_000, log })
}

// Heap per live token in memoryStorage(), measured in a child Node with --expose-gc.
if (!opts['no-memory']) results.memory_per_token = measureMemoryPerToken({ tokens: opts.quick ? 200_000 : 1_000_000 })

// Grantline --workers 2 against DOT's 2 gunicorn workers on one PostgreSQL, and 1 against 2 workers.
// A failure there is reported (and fails the run) without losing what was measured before it.
if (postgresPart) results.postgres = await postgresChecks({ plan, log }).catch((error) => ({ error: error.stack ?? String(error) }))

results.finished = new Date().toISOString()
results.machine.load_at_end = loadAverage()
results.gates = evaluateGates(results)
if (results.memory_per_token) results.gates.push(memoryPerTokenGate(results.memory_per_token))
const markdown = renderMarkdown(results) + (results.postgres ? renderPostgresMarkdown(results.postgres) : '')
mkdirSync(join(here, 'results'), { recursive: true })
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(join(here, 'results', 'latest.md'), markdown)
if (!partial.length) writeReadmeSection(renderReadme(results))
log(`\n${markdown}`)
for (const gate of results.gates) log(`${gate.pass ? 'PASS' : 'FAIL'} ${gate.name}: ${gate.detail}`)
process.exit(results.gates.every((gate) => gate.pass) && !results.postgres?.error ? 0 : 1)

/** Replaces the README's text between `<!-- bench:begin -->` and `<!-- bench:end -->`. */
function writeReadmeSection(section) {
  const path = join(root, 'README.md')
  const readme = readFileSync(path, 'utf8')
  const begin = '<!-- bench:begin -->'
  const end = '<!-- bench:end -->'
  const from = readme.indexOf(begin)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) return log(`README.md has no ${begin} ... ${end} section: not updated`)
  writeFileSync(path, `${readme.slice(0, from + begin.length)}\n${section}\n${readme.slice(to)}`)
  log('README.md: benchmark section updated')
}
