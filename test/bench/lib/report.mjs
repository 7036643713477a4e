// The machine, the ratios between servers, and the gates: the performance goals of the benchmark,
// each a ratio between servers measured in the same run.
import { execFileSync } from 'node:child_process'
import { cpus, hostname, loadavg, totalmem } from 'node:os'

const version = (command, args = ['--version']) => {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      .trim()
  } catch {
    return 'n/a'
  }
}

/** The machine and the runtimes; `runtimes` maps a name (bun, deno) to its binary. */
export function machineInfo(runtimes = {}) {
  return {
    host: hostname(),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    kernel: version('uname', ['-r']),
    node: process.version,
    // `bun --version` prints the bare number, `deno --version` "deno 2.x (stable, ...)".
    ...Object.fromEntries(
      Object.entries(runtimes).map(([name, binary]) => {
        const v = version(binary)
        return [name, v === 'n/a' ? v : `${name[0].toUpperCase()}${name.slice(1)} ${v.replace(/^\w+ /, '').replace(/ \(.*/, '')}`]
      }),
    ),
    wrk: version('sh', ['-c', 'wrk -v 2>&1 | head -1']).replace(/ Copyright.*/, ''),
    load_at_start: loadAverage(),
  }
}

/** The 1, 5 and 15 minute load averages. */
export const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')

/** Ratios of one figure between every pair of servers in a scenario: ratio[a][b] = a / b. */
function ratios(entries, figure) {
  const out = {}
  for (const [a, ra] of entries) {
    out[a] = {}
    for (const [b, rb] of entries) if (a !== b && rb[figure] > 0) out[a][b] = Number((ra[figure] / rb[figure]).toFixed(3))
  }
  return out
}

export function addRatios(results) {
  results.ratios = {}
  for (const [scenario, rows] of Object.entries(results.scenarios)) {
    const entries = Object.entries(rows)
    results.ratios[scenario] = Object.fromEntries(
      ['rps', 'p50_ms', 'p99_ms', 'p999_ms', 'cpu_us_per_request'].map((figure) => [figure, ratios(entries, figure)]),
    )
  }
  const rss = Object.entries(results.servers).map(([id, s]) => [id, { rss: s.peak_rss_mib }])
  results.ratios.peak_rss = ratios(rss, 'rss')
}

const CC = 'client_credentials'
const NOS = 'oauth2-server'
/** Grantline on Node as `serve()` delivers it, memory storage. */
const NODE = 'grantline-node'
const fixed = (n) => n.toFixed(2)

/** `a`'s figure over `b`'s in one scenario, against a floor (throughput) or a ceiling (latency). */
function ratioGate(results, { name, kind, scenario, a, b, figure, min, max }) {
  const va = results.scenarios[scenario]?.[a]?.[figure]
  const vb = results.scenarios[scenario]?.[b]?.[figure]
  const limit = min ?? max
  if (!va || !vb) return { name, kind, pass: false, limit, detail: `not measured (${a}: ${va ?? '–'}, ${b}: ${vb ?? '–'})` }
  const value = va / vb
  const unit = figure === 'rps' ? ' req/s' : ' ms'
  return {
    name,
    kind,
    pass: min !== undefined ? value >= min : value <= max,
    value: Number(value.toFixed(3)),
    limit,
    detail: `${a} ${va} / ${b} ${vb}${unit} = ${fixed(value)}x (needs ${min !== undefined ? '>=' : '<='} ${limit}x)`,
  }
}

function errorGate(results) {
  const bad = []
  for (const [scenario, rows] of Object.entries(results.scenarios)) {
    for (const [id, row] of Object.entries(rows))
      if (row.non2xx > 0 || row.socket_errors > 0) bad.push(`${scenario}/${id}: ${row.non2xx} non-2xx, ${row.socket_errors} socket errors`)
  }
  // The SQLite checks' own requests count too: wrk's at 1k and 1M tokens, the probe's around each clear.
  for (const [scenario, f] of Object.entries(results.sqlite?.flatness?.scenarios ?? {})) {
    for (const [size, row] of Object.entries({ '1k': f.small, '1M': f.large }))
      if (row.non2xx > 0 || row.socket_errors > 0)
        bad.push(`SQLite ${scenario} at ${size}: ${row.non2xx} non-2xx, ${row.socket_errors} socket errors`)
  }
  for (const [i, a] of (results.sqlite?.clear?.alternations ?? []).entries()) {
    for (const window of ['between', 'during'])
      if (a[window].failures > 0) bad.push(`tokens clear ${i + 1}, ${window}: ${a[window].failures} non-200`)
  }
  return {
    name: 'zero non-2xx responses and socket errors, every server, scenario and SQLite check',
    kind: 'errors',
    pass: bad.length === 0,
    detail: bad.length ? bad.join('; ') : 'none',
  }
}

function sqliteGates(sqlite) {
  const gates = []
  if (sqlite?.flatness) {
    for (const [scenario, f] of Object.entries(sqlite.flatness.scenarios)) {
      gates.push({
        name: `SQLite ${scenario} p50 at 1M live tokens <= 1.5x p50 at 1k`,
        kind: 'sqlite',
        pass: f.ratio <= 1.5,
        value: Number(f.ratio.toFixed(3)),
        limit: 1.5,
        detail: `p50 ${f.small.p50_ms} ms at 1k, ${f.large.p50_ms} ms at 1M: ${fixed(f.ratio)}x`,
      })
    }
  } else gates.push({ name: 'SQLite p50 at 1M live tokens <= 1.5x p50 at 1k', kind: 'sqlite', pass: false, detail: 'not measured' })
  const c = sqlite?.clear
  const name = `\`tokens clear\` of ${(c?.tokens ?? 1_000_000).toLocaleString('en-US')} expired access tokens: token p99 during the clear <= 3x its p99 between clears (median of 3), every row removed in bounded batches`
  if (!c?.alternations) return [...gates, { name, kind: 'sqlite', pass: false, detail: 'not measured' }]
  const each = c.alternations.map(
    (a) => `${a.between.p99_ms} → ${a.during.p99_ms} ms (${fixed(a.p99_ratio)}x, ${a.removed} rows in ${a.seconds} s)`,
  )
  gates.push({
    name,
    kind: 'sqlite',
    pass: c.removed_all && c.p99_ratio <= 3,
    value: c.p99_ratio,
    limit: 3,
    detail: `median ${fixed(c.p99_ratio)}x; p99 between → during each clear: ${each.join('; ')}; ${c.batch === 'default' ? 'the CLI default batches of 100 rows' : `batches of ${c.batch} rows`}${c.removed_all ? '' : '; NOT every row removed'}`,
  })
  return gates
}

/** The gates, from this one run; adds the ratio matrices to `results` first. */
export function evaluateGates(results) {
  addRatios(results)
  const tail = (id, label) =>
    ratioGate(results, {
      name: `${label} (${id}) token p99 <= 2x @node-oauth/oauth2-server's, client_credentials`,
      kind: 'tail',
      scenario: CC,
      a: id,
      b: NOS,
      figure: 'p99_ms',
      max: 2,
    })
  const rps = (name, scenario, a, b, min) => ratioGate(results, { name, kind: 'throughput', scenario, a, b, figure: 'rps', min })
  return [
    errorGate(results),
    tail(NODE, 'Grantline Node memory'),
    tail('grantline-sqlite', 'Grantline Node SQLite'),
    tail('grantline-bun', 'Grantline Bun memory'),
    rps(`Grantline Node memory (${NODE}) >= 0.75x bare node:http irreducible work, client_credentials`, CC, NODE, 'bare-irreducible', 0.75),
    rps(`Grantline Node memory (${NODE}) >= 1.1x @node-oauth/oauth2-server, client_credentials`, CC, NODE, NOS, 1.1),
    rps(
      'Grantline SQLite (grantline-sqlite) >= 0.7x bare node:http irreducible work + group-committed SQLite insert, client_credentials',
      CC,
      'grantline-sqlite',
      'bare-irreducible-sqlite',
      0.7,
    ),
    rps('Grantline Bun memory (grantline-bun) >= 1.5x @node-oauth/oauth2-server, client_credentials', CC, 'grantline-bun', NOS, 1.5),
    rps(`Grantline introspection (${NODE}) >= 2x oidc-provider`, 'introspection', NODE, 'oidc-provider', 2),
    ...sqliteGates(results.sqlite),
  ]
}

/** Ratios printed for reading, never gated. */
export function reportedRatios(results) {
  const r = results.ratios?.[CC]?.rps ?? {}
  const pairs = [
    ['grantline-sqlite', 'dot', 'Grantline SQLite, one process / DOT (2 gunicorn workers)'],
    ['grantline-sqlite-workers', 'dot', 'Grantline SQLite, two workers / DOT'],
    ['bare-irreducible-sqlite', 'dot', 'bare node:http irreducible work + SQLite insert / DOT'],
    [NODE, 'oidc-provider', 'Grantline Node memory / oidc-provider'],
    // Where the Node figures' distance to the bare servers comes from: the listener alone, then the core.
    ['listener-fixed', 'bare-fixed', "Grantline's Node listener alone (fixed JSON) / bare node:http fixed JSON"],
    ['listener-fixed', 'bare-irreducible', "Grantline's Node listener alone (fixed JSON) / bare node:http irreducible work"],
    [NODE, 'listener-fixed', "Grantline Node memory / Grantline's Node listener alone"],
  ]
  return pairs.filter(([a, b]) => r[a]?.[b] !== undefined).map(([a, b, label]) => ({ label, a, b, ratio: r[a][b] }))
}
