#!/usr/bin/env node
// `npm run version -- 0.2.0`: gives every package of the repository the one version (package.json,
// and deno.json for JSR), points the siblings' dependency ranges at it (^0.2.0, npm and jsr:), and
// brings the lockfile's workspace entries along.
// Run it from the repository root (npm run does). Then add a CHANGELOG section, commit and tag.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']
// npm sets npm_new_version when `npm version` runs this as its lifecycle script.
const version = process.argv[2] ?? process.env.npm_new_version

if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error('usage: npm run version -- <major.minor.patch[-prerelease]>')
  process.exit(2)
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))
const writeJson = (path, value) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`)

const root = readJson('package.json')
const folders = root.workspaces.flatMap((pattern) => {
  const parent = pattern.replace(/\/\*$/, '')
  return readdirSync(parent).map((name) => join(parent, name))
})
const manifests = folders.map((dir) => join(dir, 'package.json')).filter((path) => existsSync(path))
const names = new Set(manifests.map((path) => readJson(path).name))

for (const path of manifests) {
  const pkg = readJson(path)
  pkg.version = version
  for (const field of FIELDS) {
    for (const name of Object.keys(pkg[field] ?? {})) if (names.has(name)) pkg[field][name] = `^${version}`
  }
  writeJson(path, pkg)
  console.log(`${pkg.name} ${version}`)
}

// Each JSR package's deno.json (or jsr.json) carries its version and imports its siblings as
// jsr:@grantline/<name>@^<version>; replaced in place, so the files keep their hand-written layout.
const jsrConfigs = folders.flatMap((dir) => ['deno.json', 'jsr.json'].map((file) => join(dir, file))).filter((p) => existsSync(p))
const jsrNames = new Set([...names, ...jsrConfigs.map((path) => readJson(path).name)])
for (const path of jsrConfigs) {
  const text = readFileSync(path, 'utf8')
    .replace(/"version": "[^"]*"/, `"version": "${version}"`)
    .replace(/"jsr:(@[^@"]+)@[^"]*"/g, (whole, name) => (jsrNames.has(name) ? `"jsr:${name}@^${version}"` : whole))
  writeFileSync(path, text)
  console.log(`${readJson(path).name} ${version} (${path.endsWith('jsr.json') ? 'jsr.json' : 'deno.json'})`)
}

try {
  // Rewrites the workspace entries from the package.json files; needs no network and no install.
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    shell: process.platform === 'win32',
  })
  console.log('package-lock.json updated')
} catch {
  console.error('package-lock.json was not updated: run `npm install --package-lock-only --ignore-scripts` (online)')
  process.exit(1)
}
