import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entryFiles, type PackageJson, packageFolders, packLists, ROOT, readJson, workspaces } from './support.js'

const all = workspaces()
const cases = all.map((w) => [w.pkg.name, w] as const)
const packs = packLists()
const rootPkg = readJson<PackageJson & { devDependencies: Record<string, string> }>('package.json')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

const dependencyFields = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'] as const

describe('npm: every package.json says what a registry and a user need', () => {
  it.each(cases)('%s has description, keywords, license, repository, homepage, bugs, engines and publishConfig', (_, { dir, pkg }) => {
    expect(pkg.description?.length).toBeGreaterThan(20)
    expect(pkg.keywords?.length).toBeGreaterThan(0)
    expect(pkg.license).toBe('MIT')
    // Written as npm normalises it, so that `npm publish` has nothing to correct.
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/grantline/grantline.git', directory: dir })
    expect(pkg.homepage).toBe(`https://github.com/grantline/grantline/tree/main/${dir}#readme`)
    expect(pkg.bugs?.url).toBe('https://github.com/grantline/grantline/issues')
    expect(pkg.engines).toEqual({ node: '>=20' })
    expect(pkg.publishConfig).toEqual({ access: 'public' })
    expect(pkg.type).toBe('module')
  })

  it.each(cases)('%s: every export lists types first, then default', (_, { pkg }) => {
    expect(Object.keys(pkg.exports ?? {}).length).toBeGreaterThan(0)
    for (const conditions of Object.values(pkg.exports ?? {})) expect(Object.keys(conditions)).toEqual(['types', 'default'])
  })

  it.each(cases)('%s ships dist, src (the maps point at it), README.md and LICENSE', (_, { pkg }) => {
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'src', 'README.md', 'LICENSE']))
  })

  it('every package has one version, and siblings depend on each other by a caret range of it', () => {
    const version = all[0]?.pkg.version
    const names = new Set(all.map((w) => w.pkg.name))
    for (const { pkg } of all) {
      expect(pkg.version, pkg.name).toBe(version)
      for (const field of dependencyFields) {
        for (const [name, range] of Object.entries(pkg[field] ?? {})) {
          // An exact pin resolves from the registry under Bun, not from the workspace or the tarballs beside it.
          if (names.has(name)) expect(range, `${pkg.name} ${field} ${name}`).toBe(`^${version}`)
        }
      }
    }
  })

  it('the lockfile records each workspace as its package.json declares it (npm ci refuses a stale one)', () => {
    const lock = readJson<{ packages: Record<string, PackageJson> }>('package-lock.json')
    for (const { dir, pkg } of all) {
      const entry = lock.packages[dir]
      expect(entry?.version, dir).toBe(pkg.version)
      for (const field of dependencyFields) expect(entry?.[field] ?? {}, `${dir} ${field}`).toEqual(pkg[field] ?? {})
    }
  })
})

describe('npm: the tarballs hold what the package.json files promise', () => {
  it.each(cases)('%s packs its package.json, README.md, LICENSE and every export and bin target', (_, { pkg }) => {
    const files = packs.get(pkg.name) ?? []
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', ...entryFiles(pkg)]))
    expect(files.filter((f) => f.endsWith('.tsbuildinfo') || /\.test\.[jt]s$/.test(f))).toEqual([])
  })

  it.each(cases)('%s: every source map points at files in the tarball', (_, { dir, pkg }) => {
    const files = new Set(packs.get(pkg.name))
    // A working tree may still hold the outputs of a deleted source; prepack (scripts/clean-build.mjs)
    // builds dist afresh before a real pack, so only the maps of current sources are judged here.
    const current = (map: string) =>
      existsSync(join(ROOT, dir, map.replace(/^dist\//, 'src/').replace(/(\.d)?\.js\.map$|\.d\.ts\.map$/, '.ts')))
    const maps = [...files].filter((f) => f.endsWith('.map') && current(f))
    expect(maps.length).toBeGreaterThan(0)
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(read(`${dir}/${map}`)) as { sources: string[]; sourceRoot?: string }
      for (const source of sources) expect(files, `${map} -> ${source}`).toContain(normalize(join(dirname(map), sourceRoot, source)))
    }
  })

  it.each(cases)('%s: sideEffects is false, or lists only files that run on load', (_, { pkg }) => {
    if (pkg.sideEffects === false) return
    const files = packs.get(pkg.name) ?? []
    expect(Array.isArray(pkg.sideEffects)).toBe(true)
    for (const file of pkg.sideEffects as string[]) expect(files).toContain(file.replace(/^\.\//, ''))
  })
})

/** The bare specifiers of a module's static imports and re-exports (a dynamic import() is not one). */
function staticImports(source: string): string[] {
  const pattern = /^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm
  return [...source.matchAll(pattern)].map((match) => (match[1] ?? match[2]) as string)
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')
const isRuntimeModule = (specifier: string) => /^(node|cloudflare|bun):/.test(specifier) || specifier === 'bun'

/** Every package a module loads as soon as `entry` is imported, following its relative imports. */
function loadedPackages(dir: string, entry: string): Set<string> {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const specifier of staticImports(read(join(dir, file)))) {
      if (specifier.startsWith('.')) visit(normalize(join(dirname(file), specifier)))
      else if (!isRuntimeModule(specifier)) packages.add(packageName(specifier))
    }
  }
  visit(entry)
  return packages
}

describe('npm: a package installed alone imports', () => {
  it.each(cases)('%s loads on import only packages it depends on; optional ones only when used', (_, { dir, pkg }) => {
    const required = new Set([
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}).filter((name) => !pkg.peerDependenciesMeta?.[name]?.optional),
    ])
    const entries = [
      ...Object.entries(pkg.exports ?? {}).map(([key, conditions]) => [key, conditions.default as string] as const),
      ...Object.values(pkg.bin ?? {}).map((bin) => ['bin', bin] as const),
    ]
    for (const [key, target] of entries) {
      for (const name of loadedPackages(dir, target)) {
        // An entry named after an optional peer (`@grantline/testing/vitest`) is the one place that may load it.
        const allowed = required.has(name) || key === `./${name}`
        expect(allowed, `${pkg.name} ${key} imports ${name}`).toBe(true)
      }
    }
  })

  it('@grantline/node: the database clients are optional (better-sqlite3 installed by default for the CLI, postgres a peer), and the monorepo keeps both', () => {
    const node = all.find((w) => w.pkg.name === '@grantline/node')?.pkg
    expect(node?.dependencies).not.toHaveProperty('better-sqlite3')
    expect(node?.dependencies).not.toHaveProperty('postgres')
    expect(node?.optionalDependencies).toEqual({ 'better-sqlite3': '^12.0.0' })
    expect(node?.peerDependencies).toEqual({ postgres: '^3.4.0' })
    expect(node?.peerDependenciesMeta).toEqual({ postgres: { optional: true } })
    expect(Object.keys(rootPkg.devDependencies)).toEqual(expect.arrayContaining(['better-sqlite3', 'postgres']))
  })
})

describe('licence and README', () => {
  const license = read('LICENSE')

  it('the root LICENSE is MIT, Copyright (c) 2026 Grantline contributors', () => {
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 Grantline contributors\n/)
  })

  it.each(packageFolders())('%s has a copy of the root LICENSE and a README.md naming its package', (dir) => {
    expect(read(`${dir}/LICENSE`)).toBe(license)
    const name = existsSync(join(ROOT, dir, 'package.json'))
      ? readJson<PackageJson>(`${dir}/package.json`).name
      : readJson<PackageJson>(`${dir}/deno.json`).name
    expect(read(`${dir}/README.md`).startsWith(`# ${name}\n`)).toBe(true)
  })

  it('the CHANGELOG has an Unreleased section', () => {
    expect(read('CHANGELOG.md')).toMatch(/^## Unreleased$/m)
  })
})
