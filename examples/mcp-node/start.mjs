// One command for the whole example: `node start.mjs [--port 8080] [--mcp-port 3000]`.
// It makes a fresh data folder, creates the MCP server's introspection client and a user through
// the `grantline` CLI, starts `grantline serve` (open dynamic client registration, the MCP server
// as an RFC 8707 resource, Client ID Metadata Documents on) and the MCP server, each in its own
// process, and prints where to point an MCP host. Ctrl-C stops both and removes the folder.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const CLI = fileURLToPath(new URL('./cli/main.js', import.meta.resolve('@grantline/node')))
const MCP_SERVER = fileURLToPath(new URL('./mcp-server.mjs', import.meta.url))

/** A port nobody listens on right now. */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Runs a one-shot `grantline` command with `--json` and parses what it prints. */
function grantline(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args, '--json'], (error, stdout, stderr) => {
      if (error) reject(new Error(`grantline ${args.slice(0, 2).join(' ')} failed: ${stderr || error.message}`))
      else resolve(JSON.parse(stdout))
    })
  })
}

/** Spawns a process and resolves once a line of its stdout matches `ready`. */
function launch(name, args, { env = {}, ready, echo }) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const take = (chunk) => {
    output += chunk
    if (echo) for (const line of String(chunk).split('\n').filter(Boolean)) console.log(`[${name}] ${line}`)
  }
  child.stdout.setEncoding('utf8').on('data', take)
  child.stderr.setEncoding('utf8').on('data', take)
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s:\n${output}`)), 20_000)
    const check = () => {
      const match = ready.exec(output)
      if (!match) return
      clearTimeout(timer)
      child.stdout.off('data', check)
      resolve(match)
    }
    child.stdout.on('data', check)
    exited.then((status) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited (${status}) before it was ready:\n${output}`))
    })
  })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  return started.then(
    () => ({ child, output: () => output, stop }),
    async (error) => {
      await stop()
      throw error
    },
  )
}

/**
 * Starts the example. `port` and `mcpPort` 0 pick free ports. Resolves with the URLs, the user
 * to sign in as, the two processes' output, and `stop()`.
 */
export async function start({ host = '127.0.0.1', port = 8080, mcpPort = 3000, echo = false } = {}) {
  const asPort = port || (await freePort(host))
  const mcpServerPort = mcpPort || (await freePort(host))
  const origin = `http://${host}:${asPort}`
  const issuer = `${origin}/o`
  const resource = `http://${host}:${mcpServerPort}/mcp`
  const dir = mkdtempSync(join(tmpdir(), 'grantline-mcp-example-'))
  const where = ['--data', join(dir, 'data'), '--db', join(dir, 'grantline.sqlite')]
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  const running = []
  try {
    // The MCP server's own client: it may introspect any token (RFC 7662 §2.1), nothing else.
    const server = await grantline([
      'clients',
      'create',
      '--name',
      'MCP server',
      '--grant-type',
      'client_credentials',
      '--introspection',
      ...where,
    ])
    const user = await grantline(['users', 'create', 'mcp-user', ...where])
    // Client ID Metadata Documents have no flag: they are turned on in the config file.
    const config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({ clientIdMetadataDocuments: {} }))
    const serve = ['serve', '--host', host, '--port', String(asPort), '--no-demo', '--registration', 'open', '--resource', resource]
    running.push(await launch('grantline', [CLI, ...serve, '--config', config, ...where], { ready: /Grantline listening on /, echo }))
    const env = {
      MCP_RESOURCE: resource,
      GRANTLINE_ISSUER: issuer,
      MCP_CLIENT_ID: server.client_id,
      MCP_CLIENT_SECRET: server.client_secret,
    }
    running.push(await launch('mcp', [MCP_SERVER], { env: { ...env, HOST: host }, ready: /MCP server listening on /, echo }))
    return {
      issuer,
      mcpUrl: resource,
      user: { username: user.username, password: user.password, sub: user.sub },
      output: () => ({ grantline: running[0]?.output() ?? '', mcp: running[1]?.output() ?? '' }),
      async stop() {
        await Promise.all(running.map((p) => p.stop()))
        cleanup()
      },
    }
  } catch (error) {
    await Promise.all(running.map((p) => p.stop()))
    cleanup()
    throw error
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'mcp-port': { type: 'string', default: '3000' } } })
  const example = await start({ port: Number(values.port), mcpPort: Number(values['mcp-port']), echo: true })
  console.log(`
Grantline (authorization server): ${example.issuer}
MCP server:                       ${example.mcpUrl}
Sign in as:                       ${example.user.username} / ${example.user.password}

Point an MCP host at ${example.mcpUrl} (Streamable HTTP); it discovers the authorization server,
registers itself and opens the sign-in page in your browser. Ctrl-C stops both servers.
`)
  const stop = async () => {
    await example.stop()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
