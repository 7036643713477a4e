import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// @grantline/core's folders are layers: a file imports only from its own folder and from folders
// below it, so that the layers can be read off the tree and no import runs back up.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../packages/core/src')

/** Lowest first. Folders of one rank do not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ['contracts'], // types only: records, Storage, Accounts, config, contexts, extension points
  ['primitives'], // crypto, errors, password hashing
  ['protocol'], // pure RFC logic: redirect URIs, scopes, PKCE, resources, capabilities
  ['config'], // the configuration schema and its checks
  ['storage', 'events', 'html', 'keys'], // memory storage, audit events, pages, signing keys
  ['http'], // forms, responses, error rendering, CORS, client address
  ['rate-limit'],
  ['clients'],
  ['client-auth'],
  ['dpop', 'par'],
  ['tokens'],
  ['grants'],
  ['endpoints'], // every route handler
  ['accounts', 'manage'], // built-in login, sessions and management pages
  ['.'], // createProvider, the router and the package's exports
]

const rankOf = new Map(LAYERS.flatMap((folders, rank) => folders.map((folder) => [folder, rank] as const)))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

const files = sources(SRC)
const folderOf = (file: string): string => {
  const parts = relative(SRC, file).split(sep)
  return parts.length > 1 ? (parts[0] ?? '.') : '.'
}
const IMPORT = /(?:^|\n)\s*(import|export)(\s+type)?\s[^;]*?from\s+'(\.[^']+)'/g
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(IMPORT)].map(([, , , spec = '']) => ({
    target: resolve(dirname(file), spec.replace(/\.js$/, '.ts')),
  }))

describe("@grantline/core's layers", () => {
  it('every folder has a layer', () => {
    expect([...new Set(files.map(folderOf))].filter((folder) => !rankOf.has(folder))).toStrictEqual([])
  })

  it('no import runs back up a layer, or sideways between folders of one layer', () => {
    const upward = files.flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => {
          const from = folderOf(file)
          const to = folderOf(target)
          return from !== to && (rankOf.get(to) ?? 0) >= (rankOf.get(from) ?? 0)
        })
        .map(({ target }) => `${relative(SRC, file)} imports ${relative(SRC, target)}`),
    )
    expect(upward).toStrictEqual([])
  })

  it('contracts/ holds types only: type imports, no runtime code', () => {
    const problems = files
      .filter((file) => folderOf(file) === 'contracts')
      .flatMap((file) => {
        const source = readFileSync(file, 'utf8')
        const found: string[] = []
        if (/^import (?!type )/m.test(source)) found.push('a value import')
        if (/^export (?:const|let|var|function|async|class|enum|default)\b/m.test(source)) found.push('a value export')
        return found.map((what) => `${relative(SRC, file)}: ${what}`)
      })
    expect(problems).toStrictEqual([])
  })

  it('no import cycle, type imports included', () => {
    const graph = new Map(files.map((file) => [file, importsOf(file).map(({ target }) => target)]))
    const state = new Map<string, 'open' | 'done'>()
    const cycles: string[] = []
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '))
        return
      }
      state.set(file, 'open')
      for (const next of graph.get(file) ?? []) visit(next, [...path, file])
      state.set(file, 'done')
    }
    for (const file of files) visit(file, [])
    expect(cycles).toStrictEqual([])
  })

  it('nothing keeps per-request or per-provider state in a module-level WeakMap (the contexts carry it)', () => {
    const found = files.filter((file) => /^(?:const|let) \w+ = new WeakMap/m.test(readFileSync(file, 'utf8')))
    expect(found.map((file) => relative(SRC, file))).toStrictEqual([])
  })
})
