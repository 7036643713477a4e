import { parseFlags, usageError } from '../args.js'
import { openDatabase } from '../open-database.js'
import { print } from '../output.js'

/** Applies pending migrations and exits (they also run at every `serve`). */
export async function migrateCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, data: { type: 'string' }, json: { type: 'boolean' } })
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  const db = values.db ?? process.env.GRANTLINE_DB ?? `${values.data ?? 'data'}/grantline.sqlite`
  const database = await openDatabase(db)
  await database.close()
  print(values.json ? { migrated: database.dialect } : `migrated ${database.dialect} database`)
}
