import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { binary, ROOT } from './harness.js'

/**
 * The storage conformance suites inside the runtimes whose storage they test (docs/architecture.md
 * "Storage"): Deno KV under `deno test`, bun:sqlite under `bun test`, each with its race across
 * processes. Both runtimes come from npm devDependencies; a missing one fails, never skips.
 */

interface Run {
  status: number
  output: string
}

function run(command: string, args: string[], timeout = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: ROOT, timeout, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        resolve({ status: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` })
      },
    )
  })
}

vi.setConfig({ testTimeout: 120_000 })

const DENO_CONFIG = join(ROOT, 'adapters/deno/deno.json')

describe('Deno', () => {
  it('deno check: @grantline/deno, its tests and its server entry typecheck with Deno (core sources included)', async () => {
    const { status, output } = await run(binary('deno'), [
      'check',
      '--config',
      DENO_CONFIG,
      'adapters/deno/src',
      'test/runtimes/deno',
      'test/runtimes/servers/deno.ts',
    ])
    expect(status, output).toBe(0)
  })

  it('deno test: Storage and AccountStore conformance on Deno KV, single use across Deno processes, and @grantline/deno/admin', async () => {
    const { status, output } = await run(binary('deno'), [
      'test',
      '--no-check',
      '--config',
      DENO_CONFIG,
      '--allow-read',
      '--allow-write',
      '--allow-run',
      '--allow-env',
      // admin.test.ts serves the quick start on loopback.
      '--allow-net=127.0.0.1',
      'test/runtimes/deno',
    ])
    expect(status, output).toBe(0)
    const summary = /ok \| (\d+) passed \| (\d+) failed/.exec(output)
    expect(summary, output).not.toBeNull()
    expect(Number(summary?.[1]), output).toBeGreaterThanOrEqual(70)
    expect(output).toMatch(/Storage conformance: Deno KV > concurrency .* ok/)
    expect(output).toMatch(/admin writes a client and a user into a KV file.* ok/)
  })
})

describe('Bun', () => {
  it('tsc: the bun test files and server entry typecheck against bun-types', async () => {
    const { status, output } = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'test/runtimes/bun'])
    expect(status, output).toBe(0)
  })

  it('bun test: Storage and AccountStore conformance on bun:sqlite, single use across Bun processes, the WAL checkpointer', async () => {
    const { status, output } = await run(binary('bun'), ['test', './test/runtimes/bun/'])
    expect(status, output).toBe(0)
    expect(output).toContain('(pass) bunSqliteDriver: the WAL is checkpointed by a worker thread, not by commits')
    expect(output).toContain('(pass) bunSqliteDriver > a new database file is readable by its owner only (0600)')
    expect(output).toContain(
      '(pass) @grantline/bun serve > resolves once listening; aborting `signal` stops it gracefully, runs onClose and settles `finished`',
    )
    const passed = /^\s*(\d+) pass$/m.exec(output)
    expect(passed, output).not.toBeNull()
    expect(Number(passed?.[1]), output).toBeGreaterThanOrEqual(70)
    expect(output).toMatch(/^\s*0 fail$/m)
  })
})
