#!/usr/bin/env node
// `npm run size`: the example Worker bundled as wrangler would ship it (esbuild, minified ESM,
// workerd conditions), then gzipped; prints both sizes and the largest packages in the bundle.
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const entry = 'adapters/cloudflare/dist/example-worker.js'
const result = await build({
  entryPoints: [entry],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  external: ['cloudflare:*'],
  metafile: true,
  write: false,
  logLevel: 'warning',
})

const code = result.outputFiles[0].contents
const gzip = gzipSync(code, { level: 9 })
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`

const byPackage = new Map()
for (const [path, input] of Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)) {
  const workspace = /^(?:packages|adapters)\/([^/]+)\//.exec(path)?.[1]
  const name = workspace ? `@grantline/${workspace}` : (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path)
  byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput)
}
const largest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6)

process.stdout.write(`Worker bundle (${entry}, esbuild --minify, ESM, workerd conditions)\n`)
process.stdout.write(`  raw:  ${code.length} bytes (${kib(code.length)})\n`)
process.stdout.write(`  gzip: ${gzip.length} bytes (${kib(gzip.length)})\n`)
process.stdout.write(`  largest parts (minified): ${largest.map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}\n`)
