// One wrk run (1 thread, 32 connections) with the bench Lua script; answers its JSON summary.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const LUA = join(here, '..', 'lua', 'bench.lua')
const scratch = mkdtempSync(join(tmpdir(), 'grantline-bench-'))
let runs = 0

/**
 * `request`: { method, path, auth, body, tokens?, proofs? } where body may hold `{n}` (unique number
 * from `start`) or `{t}` (the next of `tokens`, url-encoded here); `proofs` are DPoP headers, one
 * per request in order.
 */
export function runWrk(port, request, { seconds, start = 0, connections = 32 }) {
  const out = join(scratch, `run-${++runs}.json`)
  const env = {
    ...process.env,
    BENCH_METHOD: request.method ?? 'POST',
    BENCH_PATH: request.path,
    BENCH_AUTH: request.auth ?? '',
    BENCH_BODY: request.body ?? '',
    BENCH_START: String(start),
    BENCH_OUT: out,
  }
  if (request.proofs) {
    const file = join(scratch, `proofs-${runs}.txt`)
    writeFileSync(file, `${request.proofs.join('\n')}\n`)
    env.BENCH_DPOP = file
  }
  if (request.tokens) {
    const file = join(scratch, `tokens-${runs}.txt`)
    writeFileSync(file, `${request.tokens.map(encodeURIComponent).join('\n')}\n`)
    env.BENCH_TOKENS = file
  }
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', LUA, `http://127.0.0.1:${port}`]
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { env }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk failed: ${stderr || error.message}`))
      try {
        resolve(JSON.parse(readFileSync(out, 'utf8')))
      } catch (parseError) {
        reject(new Error(`wrk wrote no summary (${parseError.message}):\n${stdout}\n${stderr}`))
      }
    })
  })
}

/**
 * Merges the rounds of one server and scenario: totals, the median over the rounds of each
 * round's p50, p99 and p99.9 (Debian's wrk 4.1 gives Lua no histogram to merge), and the maximum.
 */
export function mergeRounds(rounds) {
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b)
    const mid = sorted.length >> 1
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0)
  const seconds = rounds.reduce((sum, r) => sum + r.duration_us, 0) / 1e6
  const e = (name) => rounds.reduce((sum, r) => sum + r.errors[name], 0)
  return {
    rounds: rounds.length,
    requests,
    seconds: Number(seconds.toFixed(2)),
    rps: Math.round(requests / seconds),
    p50_ms: Number((median(rounds.map((r) => r.p50_us)) / 1000).toFixed(3)),
    p99_ms: Number((median(rounds.map((r) => r.p99_us)) / 1000).toFixed(3)),
    p999_ms: Number((median(rounds.map((r) => r.p999_us)) / 1000).toFixed(3)),
    // The slowest request of all rounds, not a median: one stall anywhere shows here.
    max_ms: Number((Math.max(...rounds.map((r) => r.max_us)) / 1000).toFixed(3)),
    // Each round's own figures, to see how far they spread.
    round_rps: rounds.map((r) => Math.round(r.requests / (r.duration_us / 1e6))),
    round_p99_ms: rounds.map((r) => Number((r.p99_us / 1000).toFixed(3))),
    cpu_us_per_request: Number(((rounds.reduce((sum, r) => sum + (r.cpu_ticks ?? 0), 0) * 10_000) / requests).toFixed(1)),
    non2xx: e('status'),
    ...(rounds.some((r) => r.first_error) ? { first_error: rounds.find((r) => r.first_error).first_error.slice(0, 300) } : {}),
    socket_errors: e('connect') + e('read') + e('write') + e('timeout'),
  }
}
