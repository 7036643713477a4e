import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'

/**
 * The real `grantline` CLI as a child process: `serve` on loopback, and one-shot commands with
 * `--json`. Everything here goes over real processes, sockets and databases; nothing is in-process.
 */

export const CLI = fileURLToPath(new URL('../../adapters/node/dist/cli/main.js', import.meta.url))
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** The redirect URI of the clients the tests register (never visited: the tests read the redirect). */
export const REDIRECT_URI = 'https://app.example/cb'
/** Enables the password grant for the server (RFC 9700 §2.4: off unless configured). */
export const WITH_PASSWORD = { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'] }

export type Backend = 'sqlite' | 'postgres'
export const BACKENDS: Backend[] = ['sqlite', 'postgres']

// ---------------------------------------------------------------------------------------------
// Workspaces: a data folder and a database

export interface Workspace {
  backend: Backend
  /** The temporary folder: holds `data/` (secrets.json) and config files. */
  dir: string
  /** `--data` */
  data: string
  /** `--db`: a SQLite file or a postgres:// URL of a database of this workspace's own. */
  db: string
  /** Writes a `--config` JSON file and answers its path. */
  config(options: unknown): string
  dispose(): Promise<void>
}

/** Fails (never skips) when no PostgreSQL answers, saying how to start one. */
async function adminConnection() {
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 })
  try {
    await admin`SELECT 1`
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {})
    throw new Error(
      `PostgreSQL does not answer at ${DATABASE_URL} (${(error as Error).message}). The server tests need a real one: ` +
        'start it with `pg_ctlcluster 15 main start` (or point DATABASE_URL at one).',
    )
  }
  return admin
}

/** A fresh PostgreSQL database (`gl_<random>`) on the DATABASE_URL server; `drop()` removes it. */
async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await adminConnection()
  const name = `gl_${randomBytes(8).toString('hex')}`
  await admin.unsafe(`CREATE DATABASE ${name}`)
  const url = new URL(DATABASE_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end({ timeout: 5 })
    },
  }
}

/** A temporary folder and an empty database of the given backend, for one test file or one test. */
export async function createWorkspace(backend: Backend): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-server-'))
  const pg = backend === 'postgres' ? await freshPostgresDatabase() : undefined
  let configs = 0
  return {
    backend,
    dir,
    data: join(dir, 'data'),
    db: pg?.url ?? join(dir, 'grantline.sqlite'),
    config(options) {
      const file = join(dir, `config-${++configs}.json`)
      writeFileSync(file, JSON.stringify(options))
      return file
    },
    async dispose() {
      await pg?.drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// ---------------------------------------------------------------------------------------------
// One-shot CLI commands

export interface CliResult {
  status: number
  stdout: string
  stderr: string
}

/** Runs `grantline ...args` to completion; never throws on a non-zero exit status. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...options.env }, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error)
      resolve({ status: typeof error?.code === 'number' ? error.code : 0, stdout, stderr })
    })
  })
}

/** Runs a command against the workspace (`--data`, `--db`, `--json` appended) and parses its JSON. */
export async function cliJson<T>(ws: Workspace, args: string[], extra: string[] = []): Promise<T> {
  const result = await runCli([...args, '--data', ws.data, '--db', ws.db, '--json', ...extra])
  if (result.status !== 0) throw new Error(`grantline ${args.join(' ')} exited ${result.status}: ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

export interface CreatedClient {
  client_id: string
  client_secret: string | null
}

/** `grantline clients create --name NAME --redirect-uri ... [--grant-type G]... [more flags]`. */
export function createClient(ws: Workspace, name: string, grantTypes: string[], more: string[] = []): Promise<CreatedClient> {
  const grants = grantTypes.flatMap((g) => ['--grant-type', g])
  return cliJson<CreatedClient>(ws, ['clients', 'create', '--name', name, '--redirect-uri', REDIRECT_URI, ...grants, ...more])
}

export function createUser(ws: Workspace, username: string, password: string): Promise<{ sub: string; username: string }> {
  return cliJson(ws, ['users', 'create', username, '--password', password])
}

// ---------------------------------------------------------------------------------------------
// `grantline serve` as a child process

/** A port nobody listens on right now (the server binds it a moment later). */
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

export interface ServeOptions {
  /** Provider options written to a `--config` file. */
  config?: unknown
  /** Seed the demo user and client on an empty database (default: `--no-demo`). */
  demo?: boolean
  /** Reuse a port, e.g. to restart the same server; 0 lets the server pick. Default: a free one. */
  port?: number
  /** More flags for `serve`. */
  args?: string[]
}

export interface ServerProcess {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  origin: string
  /** The issuer the server printed (`${origin}/o` unless configured). */
  issuer: string
  port: number
  child: ChildProcessWithoutNullStreams
  /** Everything the process wrote so far. */
  stdout(): string
  stderr(): string
  /** SIGTERM, then the exit status (null when a signal ended it). */
  stop(): Promise<number | null>
  /** Resolves when the process exits on its own or by stop(). */
  exited: Promise<number | null>
}

const running = new Set<ServerProcess>()

/** Starts `grantline serve` on 127.0.0.1 and resolves once it printed that it listens. */
export async function startServer(ws: Workspace, options: ServeOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort())
  const args = [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', '--data', ws.data, '--db', ws.db]
  if (!options.demo) args.push('--no-demo')
  if (options.config !== undefined) args.push('--config', ws.config(options.config))
  args.push(...(options.args ?? []))
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const server: ServerProcess = {
    origin: '',
    issuer: '',
    port,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const status = await exited
      running.delete(server)
      return status
    },
  }
  running.add(server)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`grantline serve did not start in 15 s.\nstdout: ${out}\nstderr: ${err}`)), 15_000)
    const onData = () => {
      const listening = /Grantline listening on (http:\/\/\S+) \(issuer (\S+),/.exec(out)
      if (!listening) return
      server.origin = listening[1] as string
      server.issuer = listening[2] as string
      server.port = Number(new URL(server.origin).port)
      clearTimeout(timer)
      child.stdout.off('data', onData)
      resolve()
    }
    child.stdout.on('data', onData)
    exited.then((status) => {
      clearTimeout(timer)
      reject(new Error(`grantline serve exited ${status} before listening.\nstdout: ${out}\nstderr: ${err}`))
    })
  })
  return server
}

/** Stops every server still running (for afterAll / afterEach). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()))
}
