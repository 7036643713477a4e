// Installs what the benchmark's peers need, only when missing: Debian's wrk, DOT 1.7 and gunicorn,
// and the npm peers into test/bench/.peers (gitignored), so the repository's lockfile stays clean.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const PEERS = join(here, '.peers')
const root = join(here, '..', '..')

const NPM_PEERS = {
  'oidc-provider': '9',
  '@node-oauth/oauth2-server': '5',
  '@cloudflare/workers-oauth-provider': '1',
}

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
const pythonHas = (module) => spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0

function aptInstall(packages) {
  if (packages.length === 0) return
  console.log(`bench setup: apt-get install -y ${packages.join(' ')}`)
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}

function peerVersion(name) {
  const file = join(PEERS, 'node_modules', name, 'package.json')
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined
}

function rootHas(name) {
  return existsSync(join(root, 'node_modules', name, 'package.json'))
}

/** Installs the missing peers; answers nothing, throws when an install fails. */
export function setup() {
  const apt = []
  if (!has('wrk')) apt.push('wrk')
  if (!pythonHas('oauth2_provider')) apt.push('python3-django-oauth-toolkit')
  if (!has('gunicorn')) apt.push('gunicorn')
  aptInstall(apt)

  mkdirSync(PEERS, { recursive: true })
  // Resolves the peers from inside the folder, where their node_modules is.
  writeFileSync(join(PEERS, 'resolve.mjs'), 'export const resolvePeer = (name) => import.meta.resolve(name)\n')
  const dependencies = Object.fromEntries(Object.entries(NPM_PEERS).map(([name, major]) => [name, `^${major}`]))
  // Bun and Deno come from their npm packages; a root devDependency is used when there is one.
  for (const runtime of ['bun', 'deno']) if (!rootHas(runtime)) dependencies[runtime] = '*'
  // The folder's own manifest (gitignored) lists the peers, so the repository's lockfile stays clean
  // and one install never prunes another peer.
  writeFileSync(
    join(PEERS, 'package.json'),
    `${JSON.stringify({ name: 'grantline-bench-peers', private: true, type: 'module', dependencies }, null, 2)}\n`,
  )
  const missing = Object.entries(dependencies).filter(([name, range]) => {
    const version = peerVersion(name)
    return version === undefined || (range !== '*' && !version.startsWith(range.slice(1)))
  })
  if (missing.length > 0) {
    console.log(`bench setup: npm install ${missing.map(([name]) => name).join(' ')} (in test/bench/.peers, no lockfile)`)
    execFileSync('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' })
  }
}

/** The path of a runtime's binary: the root devDependency, else the peers folder's. */
export function runtimeBinary(name) {
  const rootBin = join(root, 'node_modules', '.bin', name)
  return existsSync(rootBin) ? rootBin : join(PEERS, 'node_modules', '.bin', name)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) setup()
