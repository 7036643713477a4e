#!/usr/bin/env node
// `npm run size`: what each exported entry point of each package costs an application that
// imports it (esbuild, minified ESM, gzip; everything it imports bundled, its siblings, jose and
// valibot included; peers and optional database clients left out), then the Workers examples as
// `wrangler deploy --dry-run` ships them (wrangler from node_modules, which
// @cloudflare/vitest-pool-workers brings; the dry run needs no account and no network), against
// Cloudflare's Workers Free plan limit.
// `--json` prints the same as JSON (test/packaging/bundle-size.test.ts reads it); `--markdown`
// prints the README's table.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

// Workers Free allows a Worker of 3 MB after compression (Workers Paid: 10 MB); the compressed size
// is the gzip figure wrangler prints ("Total Upload: ... KiB / gzip: ... KiB").
// https://developers.cloudflare.com/workers/platform/limits/#worker-size
const FREE_PLAN_GZIP_LIMIT = 3_000_000

const WORKERD = { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['browser', 'module', 'main'] }
/** Where each package's bundle is built for: its runtime, or workerd, where size counts most. */
const RUNTIMES = {
  'adapters/node': { platform: 'node', conditions: ['node'] },
  'adapters/bun': { platform: 'node', conditions: ['bun'], external: ['bun', 'bun:*'] },
  'adapters/deno': { platform: 'neutral', conditions: ['deno'], mainFields: ['module', 'main'] },
}
/** The Workers examples, each bundled by `wrangler deploy --dry-run` with its own config. */
const WORKERS = [
  { name: 'examples/mcp-workers (Grantline and an MCP server on D1)', dir: 'examples/mcp-workers', args: [] },
  { name: 'adapters/cloudflare example Worker (D1, KV cache)', dir: 'adapters/cloudflare', args: ['--config', 'wrangler.example.jsonc'] },
]

const readJson = (path) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'))

/** Every exported entry point: package.json's (built dist) or, for the Deno package, deno.json's (src). */
function entryPoints() {
  return ['packages', 'adapters'].flatMap((parent) =>
    readdirSync(join(ROOT, parent))
      .sort()
      .map((name) => `${parent}/${name}`)
      .flatMap((dir) => {
        if (existsSync(join(ROOT, dir, 'package.json'))) {
          const pkg = readJson(`${dir}/package.json`)
          const leftOut = Object.keys({ ...pkg.peerDependencies, ...pkg.optionalDependencies })
          return Object.entries(pkg.exports).map(([key, conditions]) => ({ dir, name: pkg.name, key, file: conditions.default, leftOut }))
        }
        const deno = readJson(`${dir}/deno.json`)
        const exports = typeof deno.exports === 'string' ? { '.': deno.exports } : deno.exports
        return Object.entries(exports).map(([key, file]) => ({ dir, name: deno.name, key, file, leftOut: [] }))
      }),
  )
}

async function measureEntry({ dir, name, key, file, leftOut }) {
  const runtime = RUNTIMES[dir] ?? WORKERD
  const result = await build({
    entryPoints: [join(ROOT, dir, file)],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    ...runtime,
    external: ['cloudflare:*', 'node:*', ...leftOut, ...(runtime.external ?? [])],
    absWorkingDir: ROOT,
    metafile: true,
    write: false,
    logLevel: 'error',
  })
  const code = result.outputFiles[0].contents
  const inputs = Object.values(result.metafile.outputs)[0].inputs
  const own = Object.entries(inputs)
    .filter(([path]) => path.startsWith(`${dir}/`))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0)
  return { entry: key === '.' ? name : `${name}/${key.slice(2)}`, minified: code.length, gzip: gzipSync(code).length, own }
}

/** A Worker as wrangler ships it (its default: bundled, not minified), and wrangler's own upload figures. */
function measureWorker({ name, dir, args }) {
  const outdir = mkdtempSync(join(tmpdir(), 'grantline-size-'))
  try {
    const output = execFileSync(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir, ...args], {
      cwd: join(ROOT, dir),
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const upload = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output)
    if (!upload) throw new Error(`wrangler printed no upload size:\n${output}`)
    const [raw, gzip] = [upload[1], upload[2]].map((kib) => Math.round(Number(kib) * 1024))
    return { name, raw, gzip, limit: FREE_PLAN_GZIP_LIMIT, withinFreePlan: gzip <= FREE_PLAN_GZIP_LIMIT }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

function markdown(entries, workers) {
  const rows = entries.map((e) => `| \`${e.entry}\` | ${kib(e.minified)} | ${kib(e.gzip)} | ${kib(e.own)} |`)
  const workerRows = workers.map((w) => `| ${w.name} | ${kib(w.raw)} | ${kib(w.gzip)} | ${((100 * w.gzip) / w.limit).toFixed(0)}% |`)
  return [
    '| entry point | minified | gzip | its own code (minified) |',
    '|---|---:|---:|---:|',
    ...rows,
    '',
    "| Worker (`wrangler deploy`, not minified) | upload | gzip | of the Free plan's 3 MB |",
    '|---|---:|---:|---:|',
    ...workerRows,
  ].join('\n')
}

const entries = []
for (const entry of entryPoints()) entries.push(await measureEntry(entry))
const workers = WORKERS.map(measureWorker)

if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ entries, workers }, null, 2)}\n`)
else {
  process.stdout.write(`${markdown(entries, workers)}\n`)
  if (!process.argv.includes('--markdown')) {
    process.stdout.write('\nEntry points: esbuild --bundle --minify, ESM, gzip; everything each imports bundled but peers and\n')
    process.stdout.write('optional database clients. Workers: the gzip size wrangler reports, which Cloudflare\n')
    process.stdout.write('limits to 3 MB on the Workers Free plan.\n')
  }
}
const over = workers.filter((w) => !w.withinFreePlan)
if (over.length > 0) {
  process.stderr.write(`over the Workers Free plan limit: ${over.map((w) => w.name).join(', ')}\n`)
  process.exitCode = 1
}
