import { parseFlags } from '../args.js'
import { CliError } from '../cli-error.js'
import { openDatabase } from '../open-database.js'
import { print } from '../output.js'

/** Applies pending migrations and exits (they also run at every `serve`). */
export async function migrateCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, data: { type: 'string' } })
  if (positionals.length > 0) throw new CliError('usage: grantline migrate [--db PATH_OR_URL]')
  const db = values.db ?? process.env.GRANTLINE_DB ?? `${values.data ?? 'data'}/grantline.sqlite`
  const database = await openDatabase(db)
  await database.close()
  print(`migrated ${database.dialect} database`)
}
