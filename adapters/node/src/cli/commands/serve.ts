import { integer, parseFlags } from '../args.js'
import { buildServer } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { demoCallback, seedDemo } from '../demo.js'
import { serve } from '../../serve.js'

const flags = {
  port: { type: 'string' },
  host: { type: 'string' },
  issuer: { type: 'string' },
  db: { type: 'string' },
  config: { type: 'string' },
  data: { type: 'string' },
  'no-demo': { type: 'boolean' },
} as const

export const serveUsage =
  'grantline serve [--port 8080] [--host 127.0.0.1] [--issuer URL] [--db PATH_OR_POSTGRES_URL] [--config FILE.json] [--data DIR] [--no-demo]'

/** Runs the standalone server until SIGTERM/SIGINT; in-flight requests finish and the database closes. */
export async function serveCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, flags)
  if (positionals.length > 0) throw new CliError(`usage: ${serveUsage}`)
  const port = integer(values.port ?? process.env.PORT, 'port') ?? 8080
  if (port > 65535) throw new CliError('--port must be at most 65535')
  const host = values.host ?? '127.0.0.1'
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const server = await buildServer(values, { issuer: `${origin}/o` })
  const { basePath } = server.provider
  const banner = values['no-demo'] ? null : await seedDemo(server, origin, basePath)
  const { provider, database } = server
  const running = await serve(
    { handle: (request) => Promise.resolve(demoCallback(request) ?? provider.handle(request)) },
    { port, hostname: host, onClose: () => database.close() },
  )
  process.stdout.write(`Grantline listening on ${origin} (issuer ${provider.issuer}, ${database.dialect} storage)\n`)
  if (banner) process.stdout.write(`\n${banner}\n\n`)
  void running
}
