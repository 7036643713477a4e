import { randomBytes } from 'node:crypto'
import { deleteUserWithGrants, importInTransaction, migrate, sqlAccountStore, sqlStorage } from '@grantline/sql'
import { sqliteDriver } from '../sqlite-driver.js'
import { usageError } from './args.js'
import { CliError } from './cli-error.js'
import type { ServerSecrets } from './data-dir.js'
import type { Database } from './open-database.js'
import { captureDriver, type SqlCapture } from './sql-capture.js'

/** The commands `--sql` writes SQL for: each only inserts rows, so it needs nothing read from D1. */
const SQL_COMMANDS = new Set(['clients create', 'users create', 'keys create', 'registration-tokens create'])

/** PBKDF2 iterations of the hashes written for a Worker: workerd's Web Crypto refuses more. */
const WORKERD_PBKDF2_ITERATIONS = 100_000

interface SqlMode {
  keyEncryptionKey: string | undefined
  capture?: SqlCapture
}

let mode: SqlMode | undefined

/** Whether this run writes SQL (`--sql`) instead of opening a database. */
export function sqlMode(): boolean {
  return mode !== undefined
}

/**
 * Takes the global `--sql` and `--key-encryption-key K` out of `argv`. With `--sql` the command
 * must be one that only inserts rows, and `--db`, `--data` and `--config` have no use.
 */
export function takeSqlFlags(argv: string[]): string[] {
  const rest: string[] = []
  let sql = false
  let keyEncryptionKey: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--sql') sql = true
    else if (arg === '--key-encryption-key' || arg.startsWith('--key-encryption-key=')) {
      keyEncryptionKey = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i]
      if (!keyEncryptionKey) throw new CliError('--key-encryption-key needs a value')
    } else rest.push(arg)
  }
  if (keyEncryptionKey !== undefined && !sql) throw usageError('--key-encryption-key goes with --sql')
  if (!sql) return rest
  if (!SQL_COMMANDS.has(rest.slice(0, 2).join(' '))) throw usageError(`--sql works with ${[...SQL_COMMANDS].join(', ')}`)
  const local = rest.find((arg) => /^--(db|data|config)(=|$)/.test(arg))
  if (local) throw usageError(`${local.split('=')[0]} has no use with --sql: the SQL is written out, no database is opened`)
  mode = { keyEncryptionKey: keyEncryptionKey ?? process.env.GRANTLINE_KEY_ENCRYPTION_KEY }
  return rest
}

/** `keys create --sql` encrypts the key with the Worker's own key-encryption key, so it must be given. */
export function requireSqlKeyEncryptionKey(): void {
  if (mode && !mode.keyEncryptionKey) {
    throw new CliError("keys create --sql needs the Worker's key-encryption key: --key-encryption-key K or GRANTLINE_KEY_ENCRYPTION_KEY")
  }
}

/**
 * The secrets for a `--sql` run. The key-encryption key is the Worker's when given; without it
 * the command makes no signing key (requireSqlKeyEncryptionKey), and no command uses the form
 * secrets, so throwaway values stand in.
 */
export function sqlModeSecrets(): ServerSecrets {
  const throwaway = () => randomBytes(32).toString('base64url')
  return { secrets: [throwaway()], keyEncryptionKey: mode?.keyEncryptionKey ?? throwaway() }
}

/** Options for localAccounts in a `--sql` run: hashes a Worker can check. */
export const sqlModeAccountOptions = { iterations: WORKERD_PBKDF2_ITERATIONS }

/**
 * A Database whose writes are recorded as SQL: an in-memory SQLite database migrated like a fresh
 * D1 database answers the reads. The SQL is the SQLite dialect, as D1 runs it.
 */
export async function openCaptureDatabase(): Promise<Database> {
  const scratch = sqliteDriver(':memory:')
  await migrate(scratch, 'sqlite')
  const capture = captureDriver(scratch)
  if (mode) mode.capture = capture
  return {
    storage: sqlStorage(capture.driver, { dialect: 'sqlite' }),
    accountStore: sqlAccountStore(capture.driver, { dialect: 'sqlite' }),
    dialect: 'sqlite',
    deleteUser: (sub, now) => deleteUserWithGrants(capture.driver, sub, now),
    // import-dot is not a --sql command; D1 has no open transaction to import into.
    importInTransaction: (fn) => importInTransaction(capture.driver, fn),
    // The scratch database holds nothing to clear; D1 is cleared by the Worker's own cleanup().
    countCleanup: async () => 0,
    checkpoint: async () => {},
    close: () => capture.driver.close?.() ?? Promise.resolve(),
  }
}

/** The SQL the command's writes came to (empty when it wrote nothing). */
export function capturedSql(): string {
  return mode?.capture?.script() ?? ''
}
