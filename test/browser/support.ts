import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type Browser, chromium, type Page } from 'playwright-core'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const CLI = join(ROOT, 'adapters/node/dist/cli/main.js')
export const CHROMIUM = '/usr/bin/chromium'
export const SCREENSHOTS = join(ROOT, 'docs/screenshots')

/** What ends everything a test started, last started first; afterAll and the exit hook run it. */
const cleanups: (() => Promise<void> | void)[] = []
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup()
    } catch (error) {
      process.stderr.write(`browser test cleanup: ${(error as Error).message}\n`)
    }
  }
}

/** A loopback port nobody listens on: the kernel's pick for port 0, released at once. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise((done) => server.close(done))
  return port
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'grantline-browser-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export interface Grantline {
  origin: string
  issuer: string
  child: ChildProcess
  output: () => string
  /** Runs `grantline ARGS` on the server's data folder and database; answers its stdout. */
  cli: (args: string[]) => Promise<string>
}

/**
 * A real `grantline serve` on a free loopback port, with a fresh data folder and SQLite file and
 * the user `username` made by `grantline users create` beforehand. Answers once the port does.
 */
export async function startGrantline(username: string, password: string, options: { config?: unknown } = {}): Promise<Grantline> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`)
  const data = tempDir()
  const store = ['--data', data, '--db', join(data, 'grantline.sqlite')]
  await promisify(execFile)(process.execPath, [CLI, 'users', 'create', username, '--password', password, ...store])
  const cli = async (args: string[]) => (await promisify(execFile)(process.execPath, [CLI, ...args, ...store])).stdout
  const config = join(data, 'config.json')
  if (options.config !== undefined) writeFileSync(config, JSON.stringify(options.config))
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const serve = [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1', ...store, '--no-demo']
  const child = spawn(process.execPath, options.config === undefined ? serve : [...serve, '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  // Should vitest end the worker without afterAll, the server still goes with it.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  cleanups.push(async () => {
    process.off('exit', killOnExit)
    await stop(child)
  })
  await waitForPort(`${origin}/accounts/login/`, child, () => output)
  return { origin, issuer: `${origin}/o`, child, output: () => output, cli }
}

/** SIGTERM, then SIGKILL if the server has not gone within 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

async function waitForPort(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`grantline serve exited with ${child.exitCode}:\n${output()}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100))
  }
  throw new Error(`grantline serve did not answer ${url} within 20 s:\n${output()}`)
}

export interface Callback {
  uri: string
  origin: string
  /** The query of every request the callback received, in order. */
  received: URLSearchParams[]
}

/** A client's redirect target on its own loopback port: records the query, answers 200 "ok". */
export async function startCallback(): Promise<Callback> {
  const received: URLSearchParams[] = []
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (url.pathname === '/callback') received.push(url.searchParams)
    response.writeHead(url.pathname === '/callback' ? 200 : 404, { 'content-type': 'text/plain' })
    response.end(url.pathname === '/callback' ? 'ok' : 'not found')
  })
  await new Promise<void>((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', done))
  cleanups.push(() => new Promise<void>((done) => server.close(() => done()).closeAllConnections()))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { uri: `${origin}/callback`, origin, received }
}

/** The flags this machine's Chromium needs (.library/env/machines/node-svc.md); Playwright adds a fresh profile. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export async function launchChromium(): Promise<Browser> {
  const howTo = `Install Debian's Chromium with \`node scripts/ensure-chromium.mjs\` (as root: apt-get install -y chromium); \`npm test\` runs it first. \`npx playwright install\` does not work here.`
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing. ${howTo}`)
  let browser: Browser
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 })
  } catch (error) {
    throw new Error(`could not launch ${CHROMIUM}: ${(error as Error).message}\n${howTo}`)
  }
  cleanups.push(() => browser.close())
  return browser
}

/**
 * A full-page PNG in docs/screenshots, written only when UPDATE_SCREENSHOTS=1 or when the file
 * does not exist yet, so that ordinary runs leave the tree clean.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(SCREENSHOTS, name)
  if (process.env.UPDATE_SCREENSHOTS !== '1' && existsSync(file)) return
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' })
}

/** RFC 6749 §2.3.1: Basic over the form-urlencoded id and secret. */
export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`
}

/** A form POST to a Grantline endpoint, answered as JSON with the status. */
export async function postForm(
  url: string,
  authorization: string,
  body: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}
