#!/usr/bin/env node
// `npm run version -- 0.2.0`: gives every package of the repository the one version, points the
// siblings' dependency ranges at it (^0.2.0), and brings the lockfile's workspace entries along.
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

// The Deno adapter is not an npm package; its deno.json carries the version for JSR.
for (const path of folders.map((dir) => join(dir, 'deno.json')).filter((p) => existsSync(p))) {
  // Replaced in place: deno.json keeps its hand-written layout.
  writeFileSync(path, readFileSync(path, 'utf8').replace(/"version": "[^"]*"/, `"version": "${version}"`))
  console.log(`${readJson(path).name} ${version} (deno.json)`)
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
