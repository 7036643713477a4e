import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { READY, type ReadyLine } from './servers/fixture.js'

/**
 * Starts each runtime's server entry (test/runtimes/servers/) as a child process on a loopback
 * port and reads the one line it prints when it listens. Nothing here skips: a runtime whose
 * binary is missing fails its test, saying how to install it.
 */

export const RUNTIMES = ['node', 'deno', 'bun', 'workerd'] as const
export type Runtime = (typeof RUNTIMES)[number]

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SERVERS = join(ROOT, 'test/runtimes/servers')
// Inside the repository, so that the bundles' bare imports resolve from its node_modules.
const BUILD = join(ROOT, 'node_modules/.cache/grantline-runtimes')

/** The binary an npm devDependency installed (deno, bun), or an error naming the fix. */
export function binary(name: 'deno' | 'bun'): string {
  const path = join(ROOT, 'node_modules/.bin', name)
  if (!existsSync(path))
    throw new Error(`${name} is not installed: it is a root devDependency, run \`npm ci\` (its install script must be approved)`)
  return path
}

let bundles: Promise<void> | undefined
/** Node cannot run TypeScript (Node 20): the Node-side entries and the Worker are bundled once. */
function bundleEntries(): Promise<void> {
  bundles ??= Promise.all([
    build({
      entryPoints: [join(SERVERS, 'node.ts'), join(SERVERS, 'workerd.ts')],
      outdir: BUILD,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
    }),
    build({
      entryPoints: [join(SERVERS, 'worker.ts')],
      outfile: join(BUILD, 'worker.mjs'),
      bundle: true,
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      external: ['cloudflare:*'],
      format: 'esm',
      target: 'es2022',
      logLevel: 'error',
    }),
  ]).then(() => undefined)
  return bundles
}

function command(runtime: Runtime): [string, string[]] {
  switch (runtime) {
    case 'node':
      return [process.execPath, [join(BUILD, 'node.mjs')]]
    case 'deno':
      // Type-checked by `deno check` in in-runtime.test.ts; here it only runs.
      return [
        binary('deno'),
        [
          'run',
          '--no-check',
          '--config',
          join(ROOT, 'adapters/deno/deno.json'),
          '--allow-net=127.0.0.1',
          '--allow-env',
          '--allow-read',
          '--allow-write',
          join(SERVERS, 'deno.ts'),
        ],
      ]
    case 'bun':
      return [binary('bun'), [join(SERVERS, 'bun.ts')]]
    case 'workerd':
      return [process.execPath, [join(BUILD, 'workerd.mjs')]]
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

export interface RuntimeServer extends ReadyLine {
  child: ChildProcess
  output(): string
  /** SIGTERM, then the exit status (graceful shutdown answers 0). */
  stop(): Promise<number | null>
}

/** Starts `runtime`'s server entry and resolves with what it printed once listening. */
export async function startRuntime(runtime: Runtime, timeoutMs = 60_000): Promise<RuntimeServer> {
  await bundleEntries()
  const data = mkdtempSync(join(tmpdir(), `grantline-${runtime}-`))
  const env = {
    ...process.env,
    PORT: String(await freePort()),
    GL_SECRET: randomBytes(32).toString('base64url'),
    GL_DATA: data,
    GL_WORKER: join(BUILD, 'worker.mjs'),
    NO_COLOR: '1',
  }
  const [cmd, args] = command(runtime)
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  exited.then(() => rmSync(data, { recursive: true, force: true }))
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`${runtime}: ${why}\n--- output ---\n${out}`))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(`no ready line within ${timeoutMs} ms`)
    }, timeoutMs)
    child.once('error', (error) => fail(error.message))
    child.stdout?.on('data', () => {
      const line = out.split('\n').find((l) => l.startsWith(READY))
      if (!line) return
      clearTimeout(timer)
      resolve(JSON.parse(line.slice(READY.length)) as ReadyLine)
    })
    exited.then((code) => {
      clearTimeout(timer)
      fail(`exited ${code} before listening`)
    })
  })
  return {
    ...ready,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
