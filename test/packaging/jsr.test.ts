import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { type PackageJson, ROOT, readJson } from './support.js'

/**
 * JSR: every package but the two documented as npm-only (docs/releasing.md) is a member of the
 * root deno.json workspace, published from its own TypeScript sources. `deno publish --dry-run`
 * type-checks them, refuses slow types (no --allow-slow-types) and lists what it would upload.
 */

interface DenoConfig {
  name: string
  version: string
  exports: string | Record<string, string>
  imports?: Record<string, string>
  publish?: { include?: string[] }
  workspace?: string[]
  unstable?: string[]
}

/** They start their SQLite checkpointer from the built `.js` file beside them, which JSR does not ship (docs/releasing.md). */
const NPM_ONLY = ['adapters/bun', 'adapters/node']

const folders = ['packages', 'adapters'].flatMap((parent) =>
  readdirSync(join(ROOT, parent))
    .sort()
    .map((name) => `${parent}/${name}`),
)
const jsrFolders = folders.filter((dir) => !NPM_ONLY.includes(dir))
const root = readJson<DenoConfig>('deno.json')
const config = (dir: string) => readJson<DenoConfig>(`${dir}/deno.json`)
const manifest = (dir: string) => (existsSync(join(ROOT, dir, 'package.json')) ? readJson<PackageJson>(`${dir}/package.json`) : undefined)

describe('JSR: a deno.json per package, members of one Deno workspace', () => {
  it('the root deno.json lists every package but the npm-only ones, and resolves core’s .js specifiers', () => {
    expect(jsrFolders.length).toBeGreaterThanOrEqual(7)
    expect([...(root.workspace ?? [])].sort()).toEqual(jsrFolders.map((dir) => `./${dir}`).sort())
    // Core imports `./x.js` (NodeNext, as tsc emits it); deno publish rewrites each to the `.ts` it resolved to.
    expect(root.unstable).toContain('sloppy-imports')
    for (const dir of NPM_ONLY) expect(existsSync(join(ROOT, dir, 'deno.json')), dir).toBe(false)
  })

  it.each(jsrFolders)('%s: name and version as on npm, an export per npm export, from src', (dir) => {
    const deno = config(dir)
    const pkg = manifest(dir)
    expect(deno.name).toBe(pkg?.name ?? '@grantline/deno')
    expect(deno.version).toBe(readJson<PackageJson>('packages/core/package.json').version)
    const exports = typeof deno.exports === 'string' ? { '.': deno.exports } : deno.exports
    for (const target of Object.values(exports)) expect(target).toMatch(/^\.\/src\/[\w/-]+\.ts$/)
    expect(deno.publish?.include).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'src/**/*.ts']))
    if (pkg) {
      const fromNpm = Object.fromEntries(
        Object.entries(pkg.exports ?? {}).map(([key, conditions]) => [
          key,
          conditions.default?.replace(/^\.\/dist\/(.*)\.js$/, './src/$1.ts'),
        ]),
      )
      expect(exports).toEqual(fromNpm)
    }
  })

  it.each(jsrFolders)('%s: imports its siblings from JSR and its npm dependencies at the ranges package.json gives', (dir) => {
    const deno = config(dir)
    const pkg = manifest(dir)
    const version = readJson<PackageJson>('packages/core/package.json').version
    for (const [name, target] of Object.entries(deno.imports ?? {})) {
      if (name.startsWith('@grantline/')) expect(target, name).toBe(`jsr:${name}@^${version}`)
      else expect(target, name).toMatch(/^npm:/)
    }
    if (!pkg) return
    const npm = { ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies }
    for (const [name, range] of Object.entries(npm)) {
      const expected = name.startsWith('@grantline/') ? `jsr:${name}@^${version}` : `npm:${name}@${range}`
      expect(deno.imports?.[name], `${dir}: ${name}`).toBe(expected)
    }
  })
})

describe('JSR: deno publish --dry-run', () => {
  vi.setConfig({ testTimeout: 300_000 })
  const denoDir = mkdtempSync(join(tmpdir(), 'grantline-deno-dir-'))
  afterAll(() => rmSync(denoDir, { recursive: true, force: true }))

  it('accepts every package without slow types, type-checked, offline (npm: from node_modules, siblings from the workspace)', async () => {
    const { status, output } = await new Promise<{ status: number; output: string }>((resolve, reject) => {
      execFile(
        join(ROOT, 'node_modules/.bin/deno'),
        // --allow-dirty: the test runs on a working tree; a real publish runs on a clean checkout.
        ['publish', '--dry-run', '--allow-dirty'],
        {
          cwd: ROOT,
          timeout: 280_000,
          maxBuffer: 16 * 1024 * 1024,
          // An empty cache and a proxy that refuses every connection: the dry run must need no network.
          env: { ...process.env, NO_COLOR: '1', DENO_DIR: denoDir, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' },
        },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') return reject(error)
          resolve({ status: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` })
        },
      )
    })
    expect(status, output).toBe(0)
    // Deno prints "Checking for slow types in the public API..." on every run; a finding is a `warning[...]` or
    // `error[...]` diagnostic such as error[missing-explicit-return-type].
    expect(output).not.toMatch(/^(?:warning|error)\[|missing explicit/im)
    for (const dir of jsrFolders) {
      const { name, version } = config(dir)
      expect(output, name).toContain(`Simulating publish of ${name}@${version}`)
      // What goes up is the package's own sources and no test file.
      expect(output).toContain(`file://${join(ROOT, dir, 'src')}/`)
    }
    expect(output).not.toMatch(/\.test\.ts/)
    expect(output).toContain('Success Dry run complete')
  })
})
