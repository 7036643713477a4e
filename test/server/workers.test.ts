import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import {
  BACKENDS,
  type CreatedClient,
  createClient,
  createWorkspace,
  freePort,
  runCli,
  type ServerProcess,
  startServer,
  stopAllServers,
  type Workspace,
} from './support.js'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

const workspaces: Workspace[] = []
afterAll(async () => {
  await stopAllServers()
  await Promise.all(workspaces.map((ws) => ws.dispose()))
})

/** The pids whose parent is `pid` (Linux /proc). */
function children(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid
      } catch {
        return false
      }
    })
    .map(Number)
}

/** A form POST on a connection of its own, so that node:cluster hands each one to the next worker. */
function post(
  server: ServerProcess,
  path: string,
  client: CreatedClient,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const auth = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.origin}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe.each(BACKENDS)('grantline serve --workers (%s)', (backend) => {
  it('two workers serve one port from one database; a worker that dies is replaced and nothing is lost', async () => {
    const ws = await createWorkspace(backend)
    workspaces.push(ws)
    const client = await createClient(ws, 'workers', ['client_credentials'])
    const server = await startServer(ws, { args: ['--workers', '2'] })
    expect(server.stdout()).toMatch(/, 2 workers\)\n/)
    const primary = server.child.pid as number
    expect(children(primary)).toHaveLength(2)

    // Each token on a connection of its own: node:cluster deals them out to both workers in turn.
    const tokens: string[] = []
    for (let i = 0; i < 4; i++) {
      const issued = await post(server, '/o/token/', client, 'grant_type=client_credentials')
      expect(issued.status).toBe(200)
      tokens.push(String(issued.json.access_token))
    }

    const [victim] = children(primary)
    process.kill(victim as number, 'SIGKILL')
    await until(() => server.stderr().includes('a worker exited (SIGKILL); starting another'), 'the replacement notice')
    await until(() => children(primary).length === 2 && !children(primary).includes(victim as number), 'a replacement worker')

    // Whatever worker answers now, every token, from either worker, is live in the shared database.
    for (const token of tokens) {
      const introspected = await post(server, '/o/introspect/', client, `token=${token}`)
      expect(introspected.json).toMatchObject({ active: true, client_id: client.client_id })
    }

    expect(await server.stop()).toBe(0)
    expect(server.stdout().match(/Grantline stopping on SIGTERM/g)).toHaveLength(1)
    expect(children(primary)).toEqual([])
  })
})

describe('grantline serve --workers: refused configurations', () => {
  it('an in-memory database cannot be shared by workers; 0 workers is not a number of workers', async () => {
    const memory = await runCli(['serve', '--port', '0', '--db', ':memory:', '--workers', '2'])
    expect(memory.status).toBe(2)
    expect(memory.stderr).toContain('--workers needs a database file or a PostgreSQL URL that every worker shares')
    const zero = await runCli(['serve', '--port', '0', '--workers', '0'])
    expect(zero.status).toBe(2)
    expect(zero.stderr).toContain('--workers must be between 1 and 64')
  })
})

/** The library fixture as a child process, with what it printed and its exit status. */
async function fixture(env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, [new URL('./workers-fixture.mjs', import.meta.url).pathname], {
    env: { ...process.env, PORT: String(port), ...env },
  })
  const printed = { out: '', err: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    printed.out += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    printed.err += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { port, child, printed, exited }
}

describe('serveWorkers (library)', () => {
  it('with no callbacks the primary still waits for a signal, and both workers serve until SIGTERM stops them', async () => {
    const { port, child, printed, exited } = await fixture({})
    await until(() => (printed.out.match(/serving/g) ?? []).length === 2, 'two serving workers')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(child.exitCode).toBeNull()
    const pids = new Set<unknown>()
    for (let i = 0; i < 4; i++)
      pids.add((await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } }).then((r) => r.json())).pid)
    expect(pids.size).toBe(2)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('when the last worker dies and its replacement cannot start, the primary fails instead of serving nothing', async () => {
    const flag = join(mkdtempSync(join(tmpdir(), 'grantline-workers-')), 'fail')
    const { child, printed, exited } = await fixture({ WORKERS: '1', FAIL_FLAG: flag })
    await until(() => printed.out.includes('serving'), 'the worker')
    writeFileSync(flag, '')
    process.kill(children(child.pid as number)[0] as number, 'SIGKILL')
    expect(await exited).toBe(1)
    expect(printed.err).toContain('cannot replace a worker: a worker exited before it was ready')
    expect(printed.err).toContain('every worker has exited')
  })
})
