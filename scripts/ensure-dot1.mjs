#!/usr/bin/env node
// Makes sure Debian's Django OAuth Toolkit 1.x (python3-django-oauth-toolkit, with Django) is
// installed for test/import-dot/dot1.test.ts, which builds a DOT 1.x database with DOT itself;
// python3-psycopg2 too, so that the same rows go to PostgreSQL.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const PACKAGES = ['python3-django-oauth-toolkit', 'python3-psycopg2']

function installed(name) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format, not a template
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' })
  return result.status === 0 && result.stdout.includes('install ok installed')
}

const missing = PACKAGES.filter((name) => !installed(name))
if (missing.length === 0) process.exit(0)

function fail(message) {
  process.stderr.write(
    `ensure-dot1: ${message}\nensure-dot1: install them by hand (as root): apt-get update && apt-get install -y ${missing.join(' ')}\n`,
  )
  process.exit(1)
}

if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  fail(`${missing.join(', ')} missing and this is not a Debian-like system with apt-get`)
}
const root = typeof process.getuid !== 'function' || process.getuid() === 0
// Not root: sudo without a password prompt (-n), as CI runners allow; otherwise say what to run.
const prefix = root ? [] : ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive']
if (!root && spawnSync('sudo', ['-n', 'true']).status !== 0) fail(`${missing.join(', ')} missing and installing needs root`)

process.stdout.write(`ensure-dot1: installing Debian's ${missing.join(', ')} with apt-get\n`)
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...missing],
]) {
  const [command, ...rest] = [...prefix, 'apt-get', ...args]
  const result = spawnSync(command, rest, { stdio: 'inherit', env })
  if (result.error) fail(`apt-get ${args.join(' ')} could not start: ${result.error.message}`)
  if (result.status !== 0) fail(`apt-get ${args.join(' ')} exited with ${result.status ?? result.signal}`)
}
const still = missing.filter((name) => !installed(name))
if (still.length > 0) fail(`apt-get ran but ${still.join(', ')} is still missing`)
process.stdout.write(`ensure-dot1: installed ${missing.join(', ')}\n`)
