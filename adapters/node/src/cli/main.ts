#!/usr/bin/env node
import { CliError } from './cli-error.js'
import { clients, clientsUsage } from './commands/clients.js'
import { migrateCommand } from './commands/migrate.js'
import { serveCommand, serveUsage } from './commands/serve.js'
import { tokens, tokensUsage } from './commands/tokens.js'
import { users, usersUsage } from './commands/users.js'

const usage = `usage:
${serveUsage}
${clientsUsage}
${usersUsage}
${tokensUsage}
grantline migrate [--db PATH_OR_URL]

Every command takes --db (SQLite path or postgres:// URL; default data/grantline.sqlite or $GRANTLINE_DB)
and --data DIR (where secrets.json lives; default ./data).`

const commands: Record<string, (argv: string[]) => Promise<void>> = {
  serve: serveCommand,
  clients,
  users,
  tokens,
  migrate: migrateCommand,
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`)
    return
  }
  const command = commands[name]
  if (!command) throw new CliError(`unknown command "${name}"\n${usage}`)
  await command(rest)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError) {
    process.stderr.write(`grantline: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`grantline: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
