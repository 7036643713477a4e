// The results as markdown: test/bench/results/latest.md in full, and the README's shorter section.
import { reportedRatios } from './report.mjs'

const BASELINES = ['bare-fixed', 'bare-irreducible', 'bare-irreducible-sqlite']
const NOS = 'oauth2-server'
const ratio = (n) => (n === undefined ? '–' : n >= 100 ? String(Math.round(n)) : n.toFixed(2))
const ms = (n) => (n === undefined ? '–' : String(n))
// Older results kept /proc/loadavg whole (with its process counts).
const load = (text) => text.split(' ').slice(0, 3).join(' ')
const minute = (iso) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '?')

/** Date, command, machine and method: the lines every rendering starts with. */
function header(results) {
  const m = results.machine
  const runtimes = ['bun', 'deno']
    .filter((name) => m[name] && m[name] !== 'n/a')
    .map((name) => `, ${m[name]}`)
    .join('')
  const p = results.plan
  return [
    `- **Date**: ${minute(results.started)} to ${minute(results.finished)}`,
    `- **Command**: \`${results.command}\``,
    `- **Machine**: ${m.host ? `${m.host}, ` : ''}${m.cpu}, ${m.memory_gib} GiB, Linux ${m.kernel}; Node ${m.node}${runtimes}; ${m.wrk.replace(/ Copyright.*/, '')}`,
    `- **Load average** (1, 5, 15 min): ${load(m.load_at_start)} at the start${m.load_at_end ? `, ${load(m.load_at_end)} at the end` : ''}`,
    `- **Method**: wrk -t1 -c32, ${p.rounds} interleaved rounds of ${p.seconds} s per server and scenario after a ${p.warmup} s warm-up. req/s is the total over the rounds; p50, p99 and p99.9 are the median over the rounds of each round's percentile; max is the slowest request of all rounds.`,
    ...(results.partial ? [`- **A partial run** (${results.partial}): figures for development, not a reference run.`] : []),
  ]
}

function gateLines(results) {
  const passed = results.gates.filter((g) => g.pass).length
  return [
    `**Gates: ${passed} of ${results.gates.length} pass.**`,
    '',
    ...results.gates.map((g) => `- **${g.pass ? 'PASS' : 'FAIL'}** ${g.name}: ${g.detail}`),
  ]
}

/** One scenario's table: latency, errors, CPU, RSS, p99 against oauth2-server, req/s against the references. */
function scenarioTable(results, scenario) {
  const rows = results.scenarios[scenario]
  const ids = Object.keys(rows)
  const refs = ids.filter((id) => BASELINES.includes(id) || results.servers[id]?.group === 'peer')
  const tail = rows[NOS] ? [NOS] : []
  const lines = [
    `| server | req/s | p50 ms | p99 ms | p99.9 ms | max ms | non-2xx | CPU µs/req | peak RSS MiB |${tail.map(() => ' p99 / oauth2-server |').join('')}${refs.map((r) => ` req/s / ${r} |`).join('')}`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|${tail.map(() => '---:|').join('')}${refs.map(() => '---:|').join('')}`,
  ]
  const r = results.ratios?.[scenario] ?? {}
  for (const id of ids) {
    const row = rows[id]
    const cells = [
      ...tail.map((b) => (b === id ? '1.00' : ratio(r.p99_ms?.[id]?.[b]))),
      ...refs.map((b) => (b === id ? '1.00' : ratio(r.rps?.[id]?.[b]))),
    ]
    lines.push(
      `| ${results.servers[id]?.label ?? id} (\`${id}\`) | ${row.rps} | ${ms(row.p50_ms)} | ${ms(row.p99_ms)} | ${ms(row.p999_ms)} | ${ms(row.max_ms)} | ${row.non2xx} | ${row.cpu_us_per_request} | ${results.servers[id]?.peak_rss_mib ?? '–'} |${cells.map((c) => ` ${c} |`).join('')}`,
    )
  }
  return lines
}

function reportedLines(results) {
  const reported = reportedRatios(results)
  if (reported.length === 0) return []
  return ['**Reported, not gated** (client_credentials req/s):', '', ...reported.map((x) => `- ${x.label}: ${ratio(x.ratio)}x`), '']
}

function flatnessLines(f) {
  if (!f) return []
  const lines = [
    `### SQLite: 1k vs 1M live access tokens (${f.note})`,
    '',
    '| scenario | p50 ms at 1k | p50 ms at 1M | ratio | p99 ms at 1k | p99 ms at 1M | req/s at 1k | req/s at 1M |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const [scenario, x] of Object.entries(f.scenarios)) {
    lines.push(
      `| ${scenario} | ${x.small.p50_ms} | ${x.large.p50_ms} | ${x.ratio.toFixed(2)} | ${x.small.p99_ms} | ${x.large.p99_ms} | ${x.small.rps} | ${x.large.rps} |`,
    )
  }
  return [...lines, '']
}

function clearLines(c) {
  if (!c?.alternations) return []
  const lines = [
    `### \`grantline tokens clear${c.batch === 'default' ? '' : ` --batch ${c.batch}`}\` of ${c.tokens} expired access tokens (${c.rows} rows with their families)`,
    '',
    `Three times: the expired rows inserted (not measured), ${c.window_seconds} s of a probe sending one client_credentials request at a time with no clear running ("between"), then the clear in its own process with the probe running ("during"). The check is the median of the three p99 ratios: ${c.p99_ratio.toFixed(2)}x.`,
    '',
    '| clear | rows removed | seconds | window | requests | p50 ms | p99 ms | p99.9 ms | max ms | p99 during / between |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  ]
  c.alternations.forEach((a, i) => {
    const row = (name, p, last) =>
      `| ${name === 'between' ? i + 1 : ''} | ${name === 'between' ? a.removed : ''} | ${name === 'between' ? a.seconds : ''} | ${name} | ${p.requests} | ${p.p50_ms} | ${p.p99_ms} | ${p.p999_ms} | ${p.max_ms} | ${last} |`
    lines.push(row('between', a.between, ''), row('during', a.during, a.p99_ratio.toFixed(2)))
  })
  return [...lines, '']
}

function importDotLines(d) {
  if (!d) return []
  return [
    `### \`grantline import-dot\` of ${d.tokens} DOT 3 access tokens`,
    '',
    `${d.imported} access tokens imported in ${d.seconds} s: ${d.rows_per_second} rows/s (${d.note}). Reported, not gated.`,
    '',
  ]
}

/** test/bench/results/latest.md: every figure of the run. */
export function renderMarkdown(results) {
  const lines = ['# Grantline benchmark', '', ...header(results), '', '## Gates', '', ...gateLines(results), '']
  for (const scenario of Object.keys(results.scenarios)) lines.push(`## ${scenario}`, '', ...scenarioTable(results, scenario), '')
  lines.push(...reportedLines(results))
  if (results.sqlite || results.import_dot) lines.push('## SQLite checks and migration', '')
  lines.push(...flatnessLines(results.sqlite?.flatness), ...clearLines(results.sqlite?.clear), ...importDotLines(results.import_dot))
  return lines.join('\n')
}

// The scenarios the gates read get their full table in the README.
const GATED = { client_credentials: 'POST token, HTTP Basic', introspection: 'RFC 7662, one live access token' }

/** The README's section: the header, the gates, the tables of the gated scenarios and req/s (p99) of the others. */
export function renderReadme(results) {
  const lines = [...header(results), '', ...gateLines(results), '']
  for (const [scenario, what] of Object.entries(GATED)) {
    if (results.scenarios[scenario]) lines.push(`**${scenario}** (${what}):`, '', ...scenarioTable(results, scenario), '')
  }
  const others = Object.keys(results.scenarios).filter((s) => !GATED[s])
  if (others.length) {
    const ids = [...new Set(others.flatMap((s) => Object.keys(results.scenarios[s])))]
    lines.push(
      '**The other scenarios**, req/s (p99 ms):',
      '',
      `| server |${others.map((s) => ` ${s} |`).join('')}`,
      `|---|${others.map(() => '---:|').join('')}`,
    )
    for (const id of ids) {
      const cells = others.map((s) => {
        const row = results.scenarios[s][id]
        return row ? `${row.rps} (${row.p99_ms})` : '–'
      })
      lines.push(`| ${results.servers[id]?.label ?? id} |${cells.map((c) => ` ${c} |`).join('')}`)
    }
    lines.push('')
  }
  lines.push(...reportedLines(results))
  return lines.join('\n')
}
