import { randomBytes } from 'node:crypto'
import { cpSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, transform } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PackageJson, ROOT, readJson } from '../packaging/support.js'
import { block, installedNames, shellCommands } from './doc-blocks.js'
import { clientName, type FirstRows, printed, printedClient, provesFirstRows } from './first-rows.js'
import {
  bin,
  bunInstall,
  freePort,
  npmInstall,
  ours,
  type Packed,
  packAll,
  scratchApp,
  shell,
  shellEnv,
  startServer,
  writeIn,
} from './scratch-apps.js'

/**
 * Each runtime's quick start as docs/runtimes.md prints it, run from the packed tarballs in a
 * scratch app outside the repository: the install line decides what is installed, the server
 * block runs as written (its port 8080 moved to a free one), the first client, user and key are
 * made by the docs' own commands, and a real client (oauth4webapi) then gets a client_credentials
 * token and walks the code flow through the login form and consent page.
 *
 * Where a user reaches something the test cannot (JSR, wrangler and Cloudflare), it stands in
 * with the same thing from here, said at each place: the Deno app maps `@grantline/core` to its
 * npm tarball and `@grantline/deno` to the files JSR publishes; the Worker is bundled by esbuild
 * (wrangler's bundler) and served by Miniflare (wrangler's workerd), and `wrangler d1` commands
 * apply their files to Miniflare's D1.
 */

const DOC = 'docs/runtimes.md'
const SECRET = randomBytes(32).toString('base64url')
const KEY_ENCRYPTION_KEY = randomBytes(32).toString('base64url')

let packed: Packed
beforeAll(async () => {
  packed = await packAll()
}, 120_000)
afterAll(() => packed?.dispose())

/** The quick start's code on a free port: `8080` is in the issuer and in `serve()`'s port. */
function onPort(code: string, port: number): string {
  expect(code.match(/8080/g)?.length, 'the quick start names port 8080 in its issuer and its serve()').toBe(2)
  return code.replaceAll('8080', String(port))
}

/** The file a quick start names in its first line (`// server.mts: ...`). */
function fileName(code: string): string {
  const name = /^\/\/ ([\w./-]+\.m?ts)\b/.exec(code)?.[1]
  if (!name) throw new Error(`the block's first line names no file:\n${code}`)
  return name
}

/** The command a quick start's comment prints, e.g. `deno run ... main.ts`. */
function commandIn(code: string, pattern: RegExp): string[] {
  const command = pattern.exec(code)?.[0]
  if (!command) throw new Error(`the block prints no command matching ${pattern}:\n${code}`)
  return command.split(/\s+/)
}

/** The packages of a block's install lines that are ours. */
function installs(name: string, doc = DOC): string[] {
  const commands = shellCommands(block(doc, name).code)
  const named = commands.flatMap((command) => installedNames(command)?.names ?? [])
  expect(named.length, `${name}: install commands`).toBeGreaterThan(0)
  return ours(named)
}

interface StandIns {
  /** The command as it runs here (a JSR name for its file). */
  rewrite?: (command: string) => string
  /** Answers true for a command the test carried out itself (wrangler's). */
  special?: (command: string) => Promise<boolean>
}

/** Runs the first-run commands of a shell block in bash and reads what they printed. */
async function firstRun(app: string, name: string, env: NodeJS.ProcessEnv, standIns: StandIns = {}, doc = DOC): Promise<FirstRows> {
  const rows: Partial<FirstRows> = {}
  for (const command of shellCommands(block(doc, name).code)) {
    if (await standIns.special?.(command)) continue
    const output = await shell(app, standIns.rewrite?.(command) ?? command, env)
    const client = clientName(command)
    if (/clients create/.test(command) && client === 'My app') rows.app = printedClient(output)
    else if (/clients create/.test(command) && client === 'My API') rows.api = printedClient(output)
    else if (/users create alice/.test(command)) rows.alice = { username: 'alice', password: printed(output, 'password') }
  }
  expect(Object.keys(rows).sort(), `${name} creates My app, My API and alice`).toEqual(['alice', 'api', 'app'])
  return rows as FirstRows
}

describe('the quick starts of docs/runtimes.md, from the packed tarballs in scratch apps', () => {
  it('Node with SQLite: npm install, the server file as printed, the grantline CLI for the first client and user', async () => {
    const app = scratchApp(packed, 'node-app', installs('node-install'))
    await npmInstall(app)
    const port = await freePort()
    const code = onPort(block(DOC, 'node-server').code, port)
    const file = fileName(code)
    expect(file).toBe('server.mts')
    writeIn(app, file, code)
    // "compile with tsc ... or use any TS runner": esbuild's transform only strips the types.
    const { code: js } = await transform(code, { loader: 'ts', format: 'esm', target: 'node20' })
    writeIn(app, 'server.mjs', js)
    const env = shellEnv(app, { GRANTLINE_SECRET: SECRET })
    const server = await startServer(process.execPath, ['server.mjs'], app, env, port)
    try {
      const rows = await firstRun(app, 'node-first', env)
      await provesFirstRows(server.origin, rows)
    } finally {
      expect(await server.stop(), server.output()).toBe(0)
    }
  }, 180_000)

  it('Bun with bun:sqlite: bun install, the server file run by bun, the first-run script', async () => {
    const app = scratchApp(packed, 'bun-app', installs('bun-install'))
    await bunInstall(app)
    const port = await freePort()
    const code = onPort(block(DOC, 'bun-server').code, port)
    writeIn(app, fileName(code), code)
    const env = shellEnv(app, { GRANTLINE_SECRET: SECRET })
    const [cmd, ...args] = commandIn(code, /bun server\.ts/)
    const server = await startServer(bin(cmd as 'bun'), args, app, env, port)
    try {
      const script = block(DOC, 'bun-first').code
      writeIn(app, fileName(script), script)
      const [scriptCmd, ...scriptArgs] = commandIn(script, /bun first-run\.ts/)
      const output = await shell(app, [scriptCmd, ...scriptArgs].join(' '), env)
      const line = (label: string) => {
        const words = new RegExp(`^${label}: (.+)$`, 'm').exec(output)?.[1]?.split(' ')
        if (!words) throw new Error(`first-run.ts printed no "${label}:" line:\n${output}`)
        return words
      }
      const [appId = '', appSecret = ''] = line('My app')
      const [apiId = '', apiSecret = ''] = line('My API')
      await provesFirstRows(server.origin, {
        app: { client_id: appId, client_secret: appSecret },
        api: { client_id: apiId, client_secret: apiSecret },
        alice: { username: 'alice', password: line('alice')[0] as string },
      })
    } finally {
      expect(await server.stop(), server.output()).toBe(0)
    }
  }, 180_000)

  it('Deno with Deno KV: the main.ts as printed under its deno run command, @grantline/deno/admin for the first client and user', async () => {
    // `deno add jsr:@grantline/core jsr:@grantline/deno` maps both names in deno.json. Not on JSR
    // from here: core comes from its npm tarball, @grantline/deno as the files `deno publish` uploads.
    const app = scratchApp(packed, 'deno-app', ['@grantline/core'])
    await npmInstall(app)
    const jsr = join(app, 'jsr/@grantline/deno')
    const published = JSON.parse(readFileSync(join(ROOT, 'adapters/deno/deno.json'), 'utf8')) as {
      exports: Record<string, string>
      publish: { include: string[] }
    }
    for (const entry of published.publish.include) {
      const from = entry.replace(/\/\*\*\/\*\.ts$/, '')
      cpSync(join(ROOT, 'adapters/deno', from), join(jsr, from), { recursive: true })
    }
    const local = (target: string) => `./jsr/@grantline/deno/${target.replace(/^\.\//, '')}`
    const imports = {
      '@grantline/core': `npm:@grantline/core@^${readJson<PackageJson>('packages/core/package.json').version}`,
      ...Object.fromEntries(Object.entries(published.exports).map(([key, target]) => [`@grantline/deno${key.slice(1)}`, local(target)])),
    }
    writeIn(app, 'deno.json', `${JSON.stringify({ nodeModulesDir: 'manual', imports }, null, 2)}\n`)

    const port = await freePort()
    const code = onPort(block(DOC, 'deno-server').code, port)
    writeIn(app, fileName(code), code)
    const env = shellEnv(app, { GRANTLINE_SECRET: SECRET, KEY: KEY_ENCRYPTION_KEY })
    const [cmd, ...args] = commandIn(code, /deno run [^\n(]*?main\.ts/)
    const server = await startServer(bin(cmd as 'deno'), args, app, env, port)
    try {
      // `jsr:@grantline/deno/admin` is the JSR name of the same file.
      const admin = local(published.exports['./admin'] as string)
      const rows = await firstRun(app, 'deno-first', env, { rewrite: (command) => command.replace('jsr:@grantline/deno/admin', admin) })
      await provesFirstRows(server.origin, rows)
    } finally {
      expect(await server.stop(), server.output()).toBe(0)
    }
  }, 180_000)

  it('Workers with D1: the worker as printed, bundled as wrangler does and run by Miniflare; grantline --sql for the first client, user and key', async () => {
    const app = scratchApp(packed, 'workers-app', installs('workers-install'))
    await npmInstall(app)
    const code = block(DOC, 'workers-server').code
    const file = fileName(code)
    writeIn(app, file, code)
    // wrangler bundles with esbuild: workerd's conditions, cloudflare:* left to workerd.
    await build({
      absWorkingDir: app,
      entryPoints: [file],
      outfile: join(app, 'dist/worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      external: ['cloudflare:*'],
      target: 'es2022',
      logLevel: 'error',
    })
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const wrangler = JSON.parse(
      readFileSync(join(app, 'node_modules/@grantline/cloudflare/wrangler.example.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
    ) as { compatibility_date: string; d1_databases: { migrations_dir: string }[] }
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(app, 'dist/worker.js'),
      modulesRoot: app,
      compatibilityDate: wrangler.compatibility_date,
      d1Databases: ['DB'],
      bindings: { ISSUER: `${origin}/o`, SECRET, KEY_ENCRYPTION_KEY },
      host: '127.0.0.1',
      port,
    })
    try {
      await mf.ready
      const db = await mf.getD1Database('DB')
      const env = shellEnv(app, { KEY_ENCRYPTION_KEY })
      const special = async (command: string) => {
        if (!command.startsWith('npx wrangler')) return false
        if (/^npx wrangler d1 migrations apply grantline\b/.test(command)) {
          // In the user's project: "node_modules/@grantline/sql/migrations/sqlite", as the example's comment says.
          const dir = join(app, 'node_modules/@grantline/sql/migrations/sqlite')
          for (const migration of readdirSync(dir).sort()) {
            const statements = readFileSync(join(dir, migration), 'utf8')
              .replace(/--.*$/gm, '')
              .split(/;\s*$/m)
              .map((s) => s.trim())
              .filter(Boolean)
            await db.batch(statements.map((s) => db.prepare(s)))
          }
          return true
        }
        const execute = /^npx wrangler d1 execute grantline .*--file (\S+)/.exec(command)
        if (execute) {
          // D1's exec runs one statement per line: the CLI writes each on one line.
          await db.exec(readFileSync(join(app, execute[1] as string), 'utf8').trim())
          return true
        }
        throw new Error(`the test has no stand-in for \`${command}\``)
      }
      const rows = await firstRun(app, 'workers-first', env, { special })
      // The key was written before any Cron Trigger ran: the JWKS has it at once.
      const jwks = (await (await fetch(`${origin}/o/.well-known/jwks.json`)).json()) as { keys: unknown[] }
      expect(jwks.keys).toHaveLength(1)
      await provesFirstRows(origin, rows)
    } finally {
      await mf.dispose()
    }
  }, 180_000)

  it('README: npm install @grantline/node, npx grantline serve, the CLI for the first clients and user', async () => {
    const commands = shellCommands(block('README.md', 'readme-serve').code)
    const app = scratchApp(packed, 'readme-app', installs('readme-serve', 'README.md'))
    await npmInstall(app)
    const serve = commands.filter((command) => !installedNames(command))
    expect(serve).toEqual(['npx grantline serve'])
    const port = await freePort()
    const env = shellEnv(app, {})
    // The bin npx runs, on a free port instead of 8080 (its default).
    const server = await startServer(join(app, 'node_modules/.bin/grantline'), ['serve', '--port', String(port)], app, env, port)
    try {
      const rows = await firstRun(app, 'readme-first', env, {}, 'README.md')
      await provesFirstRows(server.origin, rows)
    } finally {
      expect(await server.stop(), server.output()).toBe(0)
    }
  }, 180_000)
})
