import { integer, parseFlags, usageError } from '../args.js'
import { buildServer } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { print } from '../output.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  batch: { type: 'string' },
} as const

export const tokensUsage = "grantline tokens clear [--batch N] [--json]   (DOT's cleartokens: removes expired and revoked rows in batches)"

/** Deletes expired and revoked rows in bounded batches, so a large backlog never locks the database for long. */
export async function tokens(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (action !== 'clear') throw usageError(action ? `unknown tokens action "${action}"` : 'tokens needs an action: clear')
  const { values, positionals } = parseFlags(rest, flags)
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  const batch = integer(values.batch, 'batch') ?? 1000
  if (batch < 1) throw new CliError('--batch must be at least 1')
  const { provider, database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  try {
    let removed = 0
    for (;;) {
      const count = await provider.cleanup(batch)
      removed += count
      if (count < batch) break
    }
    print(values.json ? { removed } : `removed ${removed} expired or revoked rows`)
  } finally {
    await database.close()
  }
}
