// The machine, the ratios, the gates of issue 7 and the markdown table.
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'

const version = (command, args = ['--version']) => {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      .trim()
  } catch {
    return 'n/a'
  }
}

export function machineInfo() {
  const load = version('cat', ['/proc/loadavg'])
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    kernel: version('uname', ['-r']),
    node: process.version,
    wrk: version('sh', ['-c', 'wrk -v 2>&1 | head -1']),
    load_at_start: load,
  }
}

const BASELINES = ['bare-fixed', 'bare-irreducible']

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
  for (const [scenario, rows] of Object.entries(results.scenarios)) {
    const entries = Object.entries(rows)
    // The verify scenario's baseline is the fixed-JSON server of the same scenario.
    results.scenarios[scenario] = Object.fromEntries(entries.map(([id, row]) => [id, { ...row }]))
    results.ratios ??= {}
    results.ratios[scenario] = {
      rps: ratios(entries, 'rps'),
      p50_ms: ratios(entries, 'p50_ms'),
      p99_ms: ratios(entries, 'p99_ms'),
      cpu_us_per_request: ratios(entries, 'cpu_us_per_request'),
    }
  }
  const rss = Object.entries(results.servers).map(([id, s]) => [id, { rss: s.peak_rss_mib }])
  results.ratios.peak_rss = ratios(rss, 'rss')
}

const rpsOf = (results, scenario, id) => results.scenarios[scenario]?.[id]?.rps

function ratioGate(results, name, scenario, a, b, min) {
  const ra = rpsOf(results, scenario, a)
  const rb = rpsOf(results, scenario, b)
  if (!ra || !rb) return { name, pass: false, detail: `not measured (${a}: ${ra ?? '-'}, ${b}: ${rb ?? '-'})` }
  const ratio = ra / rb
  return { name, pass: ratio >= min, detail: `${ra} / ${rb} req/s = ${ratio.toFixed(2)}x (needs >= ${min}x)` }
}

/** The "Must hold" list of issue 7, from this one run. */
export function evaluateGates(results) {
  addRatios(results)
  // Grantline on Node as `serve()` delivers it.
  const node = 'grantline-node'
  const gates = []
  const bad = []
  for (const [scenario, rows] of Object.entries(results.scenarios)) {
    for (const [id, row] of Object.entries(rows))
      if (row.non2xx > 0 || row.socket_errors > 0) bad.push(`${scenario}/${id}: ${row.non2xx} non-2xx, ${row.socket_errors} socket errors`)
  }
  gates.push({ name: 'zero non-2xx responses', pass: bad.length === 0, detail: bad.length ? bad.join('; ') : 'none in any scenario' })
  gates.push(
    ratioGate(
      results,
      `Grantline Node memory (${node}) >= 2x oidc-provider, client_credentials`,
      'client_credentials',
      node,
      'oidc-provider',
      2,
    ),
  )
  gates.push(
    ratioGate(
      results,
      `Grantline Node memory (${node}) >= 1x @node-oauth/oauth2-server, client_credentials`,
      'client_credentials',
      node,
      'oauth2-server',
      1,
    ),
  )
  // One process, as issue 7 reads; the two-worker figure (`serve --workers 2`, as DOT's 2 gunicorn
  // workers) is printed beside it, not gated.
  const sqliteGate = ratioGate(
    results,
    'Grantline SQLite >= 40x DOT, client_credentials',
    'client_credentials',
    'grantline-sqlite',
    'dot',
    40,
  )
  const workers = ratioGate(results, '', 'client_credentials', 'grantline-sqlite-workers', 'dot', 40)
  gates.push({
    ...sqliteGate,
    detail: `${sqliteGate.detail}; 2 workers (grantline-sqlite-workers): ${workers.detail.replace(/ \(needs.*/, '')}`,
  })
  gates.push(
    ratioGate(
      results,
      'Grantline Bun >= 1.5x @node-oauth/oauth2-server, client_credentials',
      'client_credentials',
      'grantline-bun',
      'oauth2-server',
      1.5,
    ),
  )
  gates.push(ratioGate(results, `Grantline introspection (${node}) >= 2x oidc-provider`, 'introspection', node, 'oidc-provider', 2))
  const sqlite = results.sqlite
  if (sqlite?.flatness) {
    for (const [scenario, f] of Object.entries(sqlite.flatness.scenarios)) {
      gates.push({
        name: `SQLite latency flat from 1k to 1M live tokens (${scenario}, p50 within 1.5x)`,
        pass: f.ratio <= 1.5,
        detail: `p50 ${f.small.p50_ms} ms at 1k, ${f.large.p50_ms} ms at 1M: ${f.ratio.toFixed(2)}x`,
      })
    }
  } else gates.push({ name: 'SQLite latency flat from 1k to 1M live tokens', pass: false, detail: 'not measured' })
  if (sqlite?.clear) {
    const c = sqlite.clear
    gates.push({
      // A stall is latency the clear adds: p99 stays within a few ms, and p99.9 within 5 ms of
      // p99.9 before the clear. Not the maximum: the clear's window holds ten times or more the
      // requests of the one before it, and this VM's own outliers (GC, the other core's work,
      // the hypervisor) reach 25-80 ms with nothing else running, so the longer window's maximum
      // is larger whatever the clear does. A clear that stalled requests systematically (at each
      // batch, commit or checkpoint) would move p99.9 of its tens of thousands of requests.
      name: '`tokens clear` on 1M expired rows: bounded batches; p99 <= 5 ms and p99.9 <= 5 ms above p99.9 before the clear',
      pass: c.removed >= c.rows && c.during.p99_ms <= 5 && c.during.p999_ms <= c.before.p999_ms + 5,
      detail: `removed ${c.removed} rows in ${c.seconds} s (${c.batch === 'default' ? 'paced batches' : `batches of at most ${c.batch}`}); probe during clear p50 ${c.during.p50_ms} ms, p99 ${c.during.p99_ms} ms, p99.9 ${c.during.p999_ms} ms, max ${c.during.max_ms} ms (before: p99 ${c.before.p99_ms} ms, p99.9 ${c.before.p999_ms} ms, max ${c.before.max_ms} ms)`,
    })
  } else gates.push({ name: '`tokens clear` on 1M expired rows', pass: false, detail: 'not measured' })
  return gates
}

const fmt = (n) => (n === undefined ? '–' : n >= 100 ? String(Math.round(n)) : n.toFixed(2))

export function renderMarkdown(results) {
  const m = results.machine
  const lines = [
    `Grantline benchmark, ${results.started} (${results.command}).`,
    `Machine: ${m.cpu}, ${m.memory_gib} GiB, Linux ${m.kernel}, Node ${m.node}, ${m.wrk}; load average at start ${m.load_at_start}.`,
    `wrk -t1 -c32, ${results.plan.rounds} interleaved rounds of ${results.plan.seconds} s per server and scenario after a ${results.plan.warmup} s warm-up; p50/p99 are the median over rounds.`,
    '',
  ]
  for (const [scenario, rows] of Object.entries(results.scenarios)) {
    const ids = Object.keys(rows)
    const refs = ids.filter((id) => BASELINES.includes(id) || results.servers[id]?.group === 'peer')
    lines.push(`### ${scenario}`, '')
    lines.push(`| server | req/s | p50 ms | p99 ms | non-2xx | CPU µs/req | peak RSS MiB |${refs.map((r) => ` vs ${r} |`).join('')}`)
    lines.push(`|---|---:|---:|---:|---:|---:|---:|${refs.map(() => '---:|').join('')}`)
    for (const id of ids) {
      const row = rows[id]
      const cells = refs.map((r) => (r === id ? '1.00' : fmt(results.ratios[scenario].rps[id]?.[r])))
      lines.push(
        `| ${results.servers[id]?.label ?? id} | ${row.rps} | ${row.p50_ms} | ${row.p99_ms} | ${row.non2xx} | ${row.cpu_us_per_request} | ${results.servers[id]?.peak_rss_mib ?? '–'} |${cells.map((c) => ` ${c} |`).join('')}`,
      )
    }
    lines.push('')
  }
  const s = results.sqlite
  if (s?.flatness) {
    lines.push(
      `### SQLite: 1k vs 1M live access tokens (${s.flatness.note})`,
      '',
      '| scenario | p50 ms at 1k | p50 ms at 1M | ratio | req/s at 1k | req/s at 1M |',
      '|---|---:|---:|---:|---:|---:|',
    )
    for (const [scenario, f] of Object.entries(s.flatness.scenarios)) {
      lines.push(`| ${scenario} | ${f.small.p50_ms} | ${f.large.p50_ms} | ${f.ratio.toFixed(2)} | ${f.small.rps} | ${f.large.rps} |`)
    }
    lines.push('')
  }
  if (s?.clear) {
    const c = s.clear
    lines.push(
      `### \`grantline tokens clear${c.batch === 'default' ? '' : ` --batch ${c.batch}`}\` on ${c.rows} expired rows`,
      '',
      `Removed ${c.removed} rows in ${c.seconds} s while a probe sent one client_credentials request at a time (${c.during.requests} requests).`,
      '',
      '| probe | requests | p50 ms | p99 ms | p99.9 ms | max ms |',
      '|---|---:|---:|---:|---:|---:|',
      `| before clear | ${c.before.requests} | ${c.before.p50_ms} | ${c.before.p99_ms} | ${c.before.p999_ms} | ${c.before.max_ms} |`,
      `| during clear | ${c.during.requests} | ${c.during.p50_ms} | ${c.during.p99_ms} | ${c.during.p999_ms} | ${c.during.max_ms} |`,
      '',
    )
  }
  if (results.import_dot) {
    const d = results.import_dot
    lines.push(
      `### \`grantline import-dot\` of ${d.tokens} DOT 3 access tokens`,
      '',
      `${d.imported} access tokens imported in ${d.seconds} s: ${d.rows_per_second} rows/s (${d.note}).`,
      '',
    )
  }
  lines.push('### Gates (issue 7, "Must hold")', '')
  for (const gate of results.gates) lines.push(`- ${gate.pass ? 'PASS' : 'FAIL'} ${gate.name}: ${gate.detail}`)
  lines.push('')
  return lines.join('\n')
}
