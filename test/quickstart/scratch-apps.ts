import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../packaging/support.js'

/**
 * Scratch apps outside the repository, made as a user makes them: tarballs from `npm pack`,
 * installed by npm or Bun into a folder under the system's temporary directory, where nothing of
 * the repository can be found by accident.
 */

const run = promisify(execFile)

/** The folder that holds every tarball and every scratch app of this run; `dispose()` removes it. */
export interface Packed {
  dir: string
  /** package name -> absolute path of its tarball */
  tarballs: Map<string, string>
  dispose(): void
}

/** `npm pack` of every workspace, once. The dist folders are `tsc -b`'s, which `npm test` runs first. */
export async function packAll(): Promise<Packed> {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-quickstart-'))
  const { stdout } = await run('npm', ['pack', '--workspaces', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  })
  const packs = JSON.parse(stdout) as { name: string; filename: string }[]
  const tarballs = new Map(packs.map((p) => [p.name, join(dir, p.filename)]))
  return { dir, tarballs, dispose: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The tarball of a package the docs name; a name that is no package of the repository fails here. */
function tarball(packed: Packed, name: string): string {
  const path = packed.tarballs.get(name)
  if (!path) throw new Error(`the docs install ${name}, which is none of the packed packages (${[...packed.tarballs.keys()].join(', ')})`)
  return path
}

/**
 * The packages an install line names, split into ours (from the tarballs) and the others. The
 * others are tools the test stands in for (wrangler: Miniflare) or TypeScript types the test does
 * not need (`@types/bun`, `@cloudflare/workers-types`, `postgres` for the driver it does not use).
 */
export function ours(names: string[]): string[] {
  return names.filter((name) => name.startsWith('@grantline/'))
}

/**
 * A folder `name` in the run's folder with a package.json that depends on the named tarballs.
 * The tarballs stand in for the registry, so `overrides` (npm's and Bun's) send every
 * `@grantline/*` a package depends on (`@grantline/kv` under `@grantline/cloudflare`) to its own.
 */
export function scratchApp(packed: Packed, name: string, packages: string[]): string {
  const app = join(packed.dir, name)
  mkdirSync(app, { recursive: true })
  const dependencies = Object.fromEntries(packages.map((p) => [p, `file:${tarball(packed, p)}`]))
  const overrides = Object.fromEntries([...packed.tarballs].map(([p, path]) => [p, `file:${path}`]))
  const manifest = { name, private: true, type: 'module', dependencies, overrides }
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return app
}

/**
 * `npm install` in the app, from the local npm cache where it can. Install scripts are not run:
 * better-sqlite3's (prebuild-install, else a build from source, minutes on this machine) is the
 * only one, and its native module is taken from the repository's install of the same version.
 */
export async function npmInstall(app: string): Promise<void> {
  await run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel', 'error'], {
    cwd: app,
    maxBuffer: 16 * 1024 * 1024,
  })
  const installed = join(app, 'node_modules/better-sqlite3')
  if (!existsSync(installed)) return
  const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
  const built = join(ROOT, 'node_modules/better-sqlite3')
  if (version(installed) !== version(built))
    throw new Error(`better-sqlite3 ${version(installed)} was installed; the repository's native build is ${version(built)}`)
  cpSync(join(built, 'build/Release/better_sqlite3.node'), join(installed, 'build/Release/better_sqlite3.node'))
}

/** `bun install` of the app's package.json (the tarballs), Bun's own resolution and cache. */
export async function bunInstall(app: string): Promise<void> {
  await run(bin('bun'), ['install', '--no-progress'], { cwd: app, maxBuffer: 16 * 1024 * 1024 })
}

/** A runtime binary the repository installs as a devDependency (deno, bun). */
export function bin(name: 'deno' | 'bun'): string {
  const path = join(ROOT, 'node_modules/.bin', name)
  if (!existsSync(path)) throw new Error(`${name} is not installed: it is a root devDependency, run \`npm ci\``)
  return path
}

/** The environment a user's shell has in the app: its own node_modules/.bin first, then deno and bun. */
export function shellEnv(app: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: [join(app, 'node_modules/.bin'), join(ROOT, 'node_modules/.bin'), process.env.PATH].join(':'),
    // npx finds the app's own bins; it must never ask the registry for a name the app lacks.
    npm_config_offline: 'true',
    npm_config_yes: 'false',
    NO_COLOR: '1',
    ...extra,
  }
}

/** Runs one command of the docs in bash, in the app; answers what it wrote on stdout and stderr. */
export async function shell(app: string, command: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout, stderr } = await run('bash', ['-euo', 'pipefail', '-c', command], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 })
    return `${stdout}${stderr}`
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    throw new Error(`\`${command}\` exited ${e.code}:\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}

export function writeIn(app: string, file: string, text: string): string {
  const path = join(app, file)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
  return path
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

export interface AppServer {
  origin: string
  output(): string
  /** SIGTERM, then the exit status (the quick starts stop gracefully: 0). */
  stop(): Promise<number | null>
}

/** Starts a server process and waits until its metadata (RFC 8414 §3, issuer `${origin}/o`) answers. */
export async function startServer(cmd: string, args: string[], app: string, env: NodeJS.ProcessEnv, port: number): Promise<AppServer> {
  const origin = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(cmd, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let gone = false
  exited.then(() => {
    gone = true
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    if (gone) throw new Error(`\`${cmd} ${args.join(' ')}\` exited before it listened:\n${out}`)
    const ok = await fetch(`${origin}/.well-known/oauth-authorization-server/o`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`\`${cmd} ${args.join(' ')}\` did not answer on ${origin} within 60 s:\n${out}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    origin,
    output: () => out,
    stop() {
      if (!gone) child.kill('SIGTERM')
      return exited
    },
  }
}
