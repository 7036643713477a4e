#!/usr/bin/env node
// Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (test/browser).
// playwright-core drives this binary; `npx playwright install` cannot download a browser here.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CHROMIUM = '/usr/bin/chromium'

if (existsSync(CHROMIUM)) process.exit(0)

function fail(message) {
  process.stderr.write(
    `ensure-chromium: ${message}\nensure-chromium: install it by hand (as root): apt-get update && apt-get install -y chromium\n`,
  )
  process.exit(1)
}

if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  fail(`${CHROMIUM} is missing and this is not a Debian-like system with apt-get`)
}
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  fail(`${CHROMIUM} is missing and installing it needs root`)
}

process.stdout.write(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package with apt-get\n`)

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', 'chromium'],
]) {
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env })
  if (result.error) fail(`apt-get ${args.join(' ')} could not start: ${result.error.message}`)
  if (result.status !== 0) fail(`apt-get ${args.join(' ')} exited with ${result.status ?? result.signal}`)
}

if (!existsSync(CHROMIUM)) fail(`apt-get installed chromium but ${CHROMIUM} is still missing`)
process.stdout.write(`ensure-chromium: installed ${CHROMIUM}\n`)
