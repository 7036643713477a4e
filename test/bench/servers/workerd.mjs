// Grantline (D1) or @cloudflare/workers-oauth-provider (KV) inside workerd through miniflare.
// VARIANT=grantline | wop. The worker is bundled with esbuild; pre-created rows arrive on
// CONTROL_PORT: for Grantline a direct SQL bulk insert into D1, for workers-oauth-provider its own
// helpers inside the worker. Both run in the same miniflare (package, options and workerd build).
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { Miniflare } from 'miniflare'
import { CLIENT_SECRET, VERIFIER } from './bench-client.mjs'
import { benchRecords, createBenchProviderRecords } from './workerd-seed.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const variant = process.env.VARIANT ?? 'grantline'
const port = Number(process.env.PORT ?? 8080)
const peers = join(here, '..', '.peers')

const built = await esbuild.build({
  entryPoints: [join(here, variant === 'grantline' ? 'workerd-grantline-worker.mjs' : 'workerd-wop-worker.mjs')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  external: ['cloudflare:*', 'node:*'],
  nodePaths: [join(peers, 'node_modules')],
  write: false,
  minify: false,
})
const script = built.outputFiles[0].text

const mf = new Miniflare({
  modules: true,
  script,
  compatibilityDate: '2026-04-01',
  compatibilityFlags: ['nodejs_compat'],
  host: '127.0.0.1',
  port,
  ...(variant === 'grantline' ? { d1Databases: ['DB'] } : { kvNamespaces: ['OAUTH_KV'] }),
})
const base = await mf.ready

let credentials
let seedRows
if (variant === 'grantline') {
  const db = await mf.getD1Database('DB')
  const dir = join(here, '..', '..', '..', 'packages', 'sql', 'migrations', 'sqlite')
  for (const file of readdirSync(dir).sort()) {
    const statements = readFileSync(join(dir, file), 'utf8')
      .replace(/--.*$/gm, '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)
    await db.batch(statements.map((s) => db.prepare(s)))
  }
  seedRows = async (rows) => {
    for (const statement of rows) await db.prepare(statement).run()
  }
  await seedRows(await createBenchProviderRecords())
} else {
  credentials = await (await fetch(new URL('/__client', base))).json()
}

createServer(async (request, response) => {
  const url = new URL(request.url, 'http://control')
  const kind = url.searchParams.get('kind')
  const start = Number(url.searchParams.get('start') ?? 0)
  const count = Number(url.searchParams.get('count') ?? 0)
  try {
    let values = []
    if (variant === 'grantline') await seedRows(benchRecords(kind, start, count))
    else {
      const challenge = (await import('node:crypto')).createHash('sha256').update(VERIFIER).digest('base64url')
      const step = kind === 'code' ? 200 : 50
      for (let done = 0; done < count; done += step) {
        const q = new URLSearchParams({ kind, count: String(Math.min(step, count - done)), challenge, verifier: VERIFIER })
        const r = await fetch(new URL(`/__seed?${q}`, base))
        values = values.concat((await r.json()).values)
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, values, credentials }))
  } catch (error) {
    response.writeHead(500).end(String(error?.stack ?? error))
  }
}).listen(Number(process.env.CONTROL_PORT), '127.0.0.1', () =>
  console.log(JSON.stringify({ ready: true, pid: process.pid, credentials, secret: CLIENT_SECRET.length })),
)

process.on('SIGTERM', async () => {
  await mf.dispose()
  process.exit(0)
})
