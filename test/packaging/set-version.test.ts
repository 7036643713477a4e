import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { type PackageJson, packageFolders, ROOT, readJson, workspaces } from './support.js'

const run = promisify(execFile)
const copies: string[] = []
afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true })
})

/** A copy of the repository's manifests and lockfile, where scripts/set-version.mjs can run. */
function manifestsCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'grantline-version-'))
  copies.push(copy)
  for (const file of ['package.json', 'package-lock.json', 'scripts/set-version.mjs']) cpSync(join(ROOT, file), join(copy, file))
  for (const dir of packageFolders()) {
    for (const file of ['package.json', 'deno.json']) {
      if (existsSync(join(ROOT, dir, file))) cpSync(join(ROOT, dir, file), join(copy, dir, file))
    }
  }
  return copy
}

const readIn = <T>(copy: string, path: string) => JSON.parse(readFileSync(join(copy, path), 'utf8')) as T

describe('npm run version -- <version>: one version for every package', () => {
  it('sets every package.json, every deno.json (JSR), the sibling ranges on npm and JSR, and the lockfile workspace entries', async () => {
    const copy = manifestsCopy()
    await run(process.execPath, ['scripts/set-version.mjs', '0.2.0'], { cwd: copy })
    const lock = readIn<{ packages: Record<string, PackageJson> }>(copy, 'package-lock.json')
    const names = new Set(workspaces().map((w) => w.pkg.name))
    for (const { dir } of workspaces()) {
      const pkg = readIn<PackageJson>(copy, `${dir}/package.json`)
      expect(pkg.version, dir).toBe('0.2.0')
      expect(lock.packages[dir]?.version, dir).toBe('0.2.0')
      for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })) {
        if (names.has(name)) {
          expect(range, `${dir} ${name}`).toBe('^0.2.0')
          expect(lock.packages[dir]?.dependencies?.[name] ?? lock.packages[dir]?.devDependencies?.[name], `lock ${dir} ${name}`).toBe(
            '^0.2.0',
          )
        }
      }
    }
    const jsrPackages = packageFolders().filter((dir) => existsSync(join(copy, dir, 'deno.json')))
    expect(jsrPackages).toContain('adapters/deno')
    for (const dir of jsrPackages) {
      const config = readIn<{ version: string; imports?: Record<string, string> }>(copy, `${dir}/deno.json`)
      const before = readJson<{ imports?: Record<string, string> }>(`${dir}/deno.json`)
      expect(config.version, dir).toBe('0.2.0')
      for (const [name, target] of Object.entries(config.imports ?? {})) {
        // Siblings follow the version on JSR as on npm; npm: imports keep their ranges.
        if (target.startsWith('jsr:@grantline/')) expect(target, `${dir} ${name}`).toBe(`jsr:${name}@^0.2.0`)
        else expect(target, `${dir} ${name}`).toBe(before.imports?.[name])
      }
    }
  })

  it('refuses what is not a semantic version, and changes nothing', async () => {
    const copy = manifestsCopy()
    const failure = await run(process.execPath, ['scripts/set-version.mjs', '1.2'], { cwd: copy }).catch(
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run version -- <major.minor.patch') })
    expect(readFileSync(join(copy, 'packages/core/package.json'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8'),
    )
  })
})
