import { integer, parseFlags, usageError } from '../args.js'
import { buildServer } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { print } from '../output.js'
import { pacedClear } from '../paced-clear.js'
import { createProgress } from '../progress.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  batch: { type: 'string' },
} as const

export const tokensUsage =
  "grantline tokens clear [--batch N] [--json]   (DOT's cleartokens: removes expired and revoked rows, and stale failed-login records, in short, paced batches)"

/**
 * Deletes expired and revoked rows, then failed-login records older than the lockout window, in
 * short, paced batches, so a large backlog never keeps a server waiting (paced-clear.ts).
 */
export async function tokens(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (action !== 'clear') throw usageError(action ? `unknown tokens action "${action}"` : 'tokens needs an action: clear')
  const { values, positionals } = parseFlags(rest, flags)
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  const batch = integer(values.batch, 'batch') ?? 100
  if (batch < 1) throw new CliError('--batch must be at least 1')
  const { provider, accounts, database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  // Rows done of the total, the rate and the time left, on a terminal only (stderr); the count
  // that gives the total is skipped elsewhere. --json or not, stdout gets only the result.
  const progress = createProgress('removing expired and revoked rows', 0)
  try {
    const between = () => database.checkpoint()
    const total = process.stderr.isTTY ? await database.countCleanup(Math.floor(Date.now() / 1000)) : 0
    progress.phase('removing expired and revoked rows', total)
    const removed = await pacedClear({ cleanup: (limit) => provider.cleanup(limit), batch, between, progress })
    progress.phase('removing stale failed-login records', 0)
    const failures = await pacedClear({ cleanup: (limit) => accounts.cleanupFailures(limit), batch, between, progress })
    progress.done()
    print(
      values.json
        ? { removed, login_failures: failures }
        : `removed ${removed} expired or revoked rows and ${failures} stale failed-login records`,
    )
  } finally {
    progress.done()
    await database.close()
  }
}
