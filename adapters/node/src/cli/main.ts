#!/usr/bin/env node
import { usageError } from './args.js'
import { CliError } from './cli-error.js'
import { clients, clientsUsage } from './commands/clients.js'
import { importDotCommand, importDotUsage } from './commands/import-dot.js'
import { keys, keysUsage } from './commands/keys.js'
import { migrateCommand } from './commands/migrate.js'
import { registrationTokens, registrationTokensUsage } from './commands/registration-tokens.js'
import { serveCommand, serveUsage } from './commands/serve.js'
import { tokens, tokensUsage } from './commands/tokens.js'
import { users, usersUsage } from './commands/users.js'
import { capturedSql, takeSqlFlags } from './sql-mode.js'

const usage = `usage:
${serveUsage}
${clientsUsage}
${usersUsage}
${tokensUsage}
${registrationTokensUsage}
${keysUsage}
${importDotUsage}
grantline migrate [--db PATH_OR_URL] [--json]

Every command takes --db (SQLite path or postgres:// URL; default $GRANTLINE_DB, else DIR/grantline.sqlite)
and --data DIR (where secrets.json lives; default ./data), and --json (the result as JSON on stdout).
Exit status: 0 done, 1 failed, 2 bad arguments, with a one-line reason on stderr.
--sql [--key-encryption-key K] (clients create, users create, keys create, registration-tokens create): opens
no database; prints the SQL for 'wrangler d1 execute' on stdout and the result (secrets) on stderr.
See docs/cli.md.`

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  serve: serveCommand,
  clients,
  users,
  tokens,
  'registration-tokens': registrationTokens,
  keys,
  migrate: migrateCommand,
  'import-dot': importDotCommand,
}

async function main(args: string[]): Promise<void> {
  const argv = takeSqlFlags(args)
  const [name, ...rest] = argv
  const help = (arg: string) => arg === '--help' || arg === '-h'
  if (name === undefined || name === 'help' || help(name) || rest.some(help)) {
    process.stdout.write(`${usage}\n`)
    return
  }
  const command = commands[name]
  if (!command) throw usageError(`unknown command "${name}"`)
  await command(rest)
  // Only once the command succeeded: a failed one prints no partial SQL.
  process.stdout.write(capturedSql())
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`grantline: ${error.message}\n`)
    process.exit(error.status)
  }
  process.stderr.write(`grantline: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
