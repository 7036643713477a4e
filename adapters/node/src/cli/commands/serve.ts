import cluster from 'node:cluster'
import { type RunningServer, serve } from '../../serve.js'
import { serveWorkers } from '../../workers.js'
import { integer, parseFlags, usageError } from '../args.js'
import { buildServer, readConfigFile, type Server } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { connectionFlags, connectionFlagsUsage, connectionLimitsOf } from '../connection-flags.js'
import { demoCallback, seedDemo } from '../demo.js'
import { homePage } from '../home.js'

const flags = {
  port: { type: 'string' },
  host: { type: 'string' },
  issuer: { type: 'string' },
  db: { type: 'string' },
  config: { type: 'string' },
  data: { type: 'string' },
  'no-demo': { type: 'boolean' },
  json: { type: 'boolean' },
  workers: { type: 'string' },
  resource: { type: 'string', multiple: true },
  registration: { type: 'string' },
  ...connectionFlags,
} as const

export const serveUsage =
  'grantline serve [--port 8080] [--host 127.0.0.1] [--issuer URL] [--db PATH_OR_POSTGRES_URL] [--config FILE.json] [--data DIR] [--no-demo] [--workers N]\n' +
  '                [--json]   (stdout: one JSON line {listening, issuer, storage, workers}; the rest on stderr)\n' +
  '                [--resource URI ...] [--registration open|token]\n' +
  `                ${connectionFlagsUsage}`

const starting = () =>
  new Response('Grantline is starting\n', {
    status: 503,
    headers: { 'content-type': 'text/plain', 'retry-after': '1', 'cache-control': 'no-store' },
  })

/**
 * Runs the standalone server until SIGTERM/SIGINT; in-flight requests finish and the database
 * closes. With `--workers N`, N processes serve the one port and database (workers.ts).
 */
export async function serveCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, flags)
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  const port = integer(values.port ?? process.env.PORT, 'port') ?? 8080
  if (port > 65535) throw new CliError('--port must be at most 65535')
  const workers = integer(values.workers, 'workers') ?? 1
  if (workers < 1 || workers > 64) throw new CliError('--workers must be between 1 and 64')
  const host = values.host ?? '127.0.0.1'
  readConfigFile(values.config) // a bad file is a usage error, reported before anything listens
  if (values.registration !== undefined && values.registration !== 'open' && values.registration !== 'token') {
    throw new CliError('--registration must be open or token')
  }
  connectionLimitsOf(values) // so are bad limits
  // The last line of start-up: scripts wait for it. With --json it is the only line on stdout.
  const listening = ({ origin, issuer, dialect }: Listening) =>
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ listening: origin, issuer, storage: dialect, workers })}\n`
        : `Grantline listening on ${origin} (issuer ${issuer}, ${dialect} storage${workers > 1 ? `, ${workers} workers` : ''})\n`,
    )
  if (workers === 1) {
    listening((await serveOne(values, port, host, true)).listening)
    return
  }
  const db = values.db ?? process.env.GRANTLINE_DB
  if (db === '' || db?.startsWith(':memory:') || db?.startsWith('file::memory:')) {
    throw new CliError('--workers needs a database file or a PostgreSQL URL that every worker shares')
  }
  await serveWorkers({
    workers,
    start: async () => {
      const { running, listening } = await serveOne(values, port, host, false)
      return { server: running, ready: listening }
    },
    onReady: (first) => first && listening(first),
    onSignal: (signal) => notes(values).write(`Grantline stopping on ${signal}: finishing the requests in flight\n`),
    onReplace: ({ code, signal }) => process.stderr.write(`grantline: a worker exited (${signal ?? `status ${code}`}); starting another\n`),
  }).catch((error: Error) => {
    throw cluster.isPrimary ? new CliError(error.message, 1) : error
  })
}

/** Where messages for people go: stdout, or stderr with --json, whose stdout is JSON only. */
const notes = (values: { json?: boolean | undefined }) => (values.json ? process.stderr : process.stdout)

interface Listening {
  origin: string
  issuer: string
  dialect: string
}

/**
 * One serving process. It listens before it builds the provider, so that with `--port 0` the
 * default issuer names the port the system chose; until the provider is ready every request
 * answers 503. Answers the server and where it listens.
 */
async function serveOne(
  values: ReturnType<typeof parseFlags<typeof flags>>['values'],
  port: number,
  host: string,
  handleSignals: boolean,
): Promise<{ running: RunningServer; listening: Listening }> {
  let server: Server | undefined
  // The demo's callback page is the demo's: with --no-demo its path is an unknown path (404).
  const demoPage = values['no-demo'] ? () => null : demoCallback
  const running = await serve(
    {
      // The rest carries the client address that serve() learned, for the rate limits.
      handle: (request, ...rest) =>
        server
          ? Promise.resolve(demoPage(request) ?? homePage(request, server.provider.basePath) ?? server.provider.handle(request, ...rest))
          : Promise.resolve(starting()),
    },
    {
      port,
      hostname: host,
      handleSignals,
      ...connectionLimitsOf(values),
      onSignal: (signal) => notes(values).write(`Grantline stopping on ${signal}: finishing the requests in flight\n`),
      onClose: () => server?.database.close(),
    },
  ).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`, 1)
  })
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${running.address.port}`
  try {
    server = await buildServer(values, { issuer: `${origin}/o` })
  } catch (error) {
    await running.close()
    throw error
  }
  const { provider, database } = server
  const banner = values['no-demo'] ? null : await seedDemo(server, origin, provider.basePath)
  if (banner) notes(values).write(`${banner}\n\n`)
  return { running, listening: { origin, issuer: provider.issuer, dialect: database.dialect } }
}
