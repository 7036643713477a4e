import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = new URL('../../', import.meta.url).pathname

export interface PackageJson {
  name: string
  version: string
  description?: string
  keywords?: string[]
  license?: string
  repository?: { type?: string; url?: string; directory?: string }
  homepage?: string
  bugs?: { url?: string }
  type?: string
  engines?: Record<string, string>
  sideEffects?: boolean | string[]
  publishConfig?: Record<string, string>
  exports?: Record<string, Record<string, string>>
  bin?: Record<string, string>
  files?: string[]
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  devDependencies?: Record<string, string>
}

export interface Workspace {
  dir: string
  pkg: PackageJson
}

export const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T

/** Every npm package of the repository: the folders under packages/ and adapters/ with a package.json. */
export function workspaces(): Workspace[] {
  const root = readJson<{ workspaces: string[] }>('package.json')
  return root.workspaces.flatMap((pattern) => {
    const parent = pattern.replace(/\/\*$/, '')
    return readdirSync(join(ROOT, parent))
      .sort()
      .map((name) => `${parent}/${name}`)
      .filter((dir) => existsSync(join(ROOT, dir, 'package.json')))
      .map((dir) => ({ dir, pkg: readJson<PackageJson>(`${dir}/package.json`) }))
  })
}

/** Every published package folder, npm's and the Deno adapter (deno.json), for LICENSE and README. */
export function packageFolders(): string[] {
  return [...workspaces().map((w) => w.dir), ...(existsSync(join(ROOT, 'adapters/deno/deno.json')) ? ['adapters/deno'] : [])]
}

export interface PackedFile {
  path: string
}

/** What `npm pack` would put in each tarball, without running prepack or writing one. */
export function packLists(): Map<string, string[]> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--workspaces', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const packs = JSON.parse(out) as { name: string; files: PackedFile[] }[]
  return new Map(packs.map((p) => [p.name, p.files.map((f) => f.path)]))
}

/** The targets of a package's `exports` (every condition) and `bin`, as paths inside the package. */
export function entryFiles(pkg: PackageJson): string[] {
  const targets = [...Object.values(pkg.exports ?? {}).flatMap((conditions) => Object.values(conditions)), ...Object.values(pkg.bin ?? {})]
  return targets.map((target) => target.replace(/^\.\//, ''))
}
