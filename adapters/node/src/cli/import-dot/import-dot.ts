import type { ImportCounts, ImportRecords, ImportWriter } from '@grantline/sql'
import { CliError } from '../cli-error.js'
import type { Database } from '../open-database.js'
import type { Progress } from '../progress.js'
import { type DotReader, PAGE_SIZE, pages } from './dot-reader.js'
import { type DotSchema, readDotSchema } from './dot-schema.js'
import { DOT_TABLES, type DotTable } from './dot-tables.js'
import { createEpochReader, type EpochReader, key } from './dot-values.js'
import { emptyTable, type ImportReport, type TableReport } from './import-report.js'
import { importTokens, present } from './import-tokens.js'
import { APPLICATION_COLUMNS, LATER_APPLICATION_COLUMNS, mapApplication } from './map-application.js'
import { createTokenMapper } from './map-tokens.js'
import { type ExistingUsers, mapUser, USER_COLUMNS } from './map-user.js'

export interface ImportDotOptions {
  reader: DotReader
  database: Database
  /** Epoch seconds: what is expired is judged against it. */
  now: number
  /** The server's refresh token idle life and grant cap (ttl.refreshToken, ttl.family), in seconds. */
  refreshTtl: number
  familyTtl: number
  /** DOT's REFRESH_TOKEN_EXPIRE_SECONDS, when the DOT site set it. */
  dotRefreshExpire?: number | undefined
  /**
   * The IANA time zone of the DOT database's datetimes written without an offset: its Django
   * TIME_ZONE when USE_TZ was off. UTC by default (what Django writes with USE_TZ on).
   */
  timeZone?: string | undefined
  authMethod: 'client_secret_basic' | 'client_secret_post'
  /** The audience of the imported tokens (RFC 8707 resources, canonical); [] leaves them without one. */
  resources: readonly string[]
  dryRun: boolean
  progress: Progress
  /** Rows read, mapped and written at a time (PAGE_SIZE); tests make it small. */
  pageSize?: number | undefined
}

/** Rows mapped, per Grantline table, and rows the one transaction gained. */
interface Tally {
  mapped: ImportCounts
  gained: ImportCounts
}

const zero = (): ImportCounts => ({ clients: 0, users: 0, consents: 0, families: 0, accessTokens: 0, refreshTokens: 0 })

/** The context every page is read and mapped in. */
interface Run {
  o: ImportDotOptions
  schema: DotSchema
  epoch: EpochReader
  pageSize: number
  tables: Record<DotTable, TableReport>
  write: ImportWriter
}

/** Maps and writes the users, a page at a time; answers the DOT ids of those imported. */
async function importUsers(run: Run): Promise<Set<string>> {
  const { o, tables } = run
  const report = tables.auth_user
  const all = await o.database.accountStore.listUsers()
  const existing: ExistingUsers = { bySub: new Map(all.map((u) => [u.sub, u])), byUsername: new Map(all.map((u) => [u.username, u])) }
  const ids = new Set<string>()
  for await (const page of pages(o.reader, DOT_TABLES.user, present(run.schema.user, USER_COLUMNS), run.pageSize)) {
    const users = []
    for (const row of page) {
      report.read++
      const user = mapUser(row, o.now, existing, report, run.epoch)
      if (!user) continue
      if (existing.bySub.has(user.sub)) report.already_present++
      ids.add(key(row.id) ?? '')
      users.push(user)
    }
    await run.write({ users })
    o.progress.advance(page.length)
  }
  return ids
}

/** Maps and writes the applications; answers DOT's primary key -> client_id, and whether a secret is a kept Django hash. */
async function importClients(run: Run, users: Set<string>) {
  const { o, tables } = run
  const report = tables.oauth2_provider_application
  const existing = new Set((await o.database.storage.listClients()).map((client) => client.client_id))
  const columns = present(run.schema.application, [...APPLICATION_COLUMNS, ...LATER_APPLICATION_COLUMNS])
  const byPk = new Map<string, string>()
  let djangoHashed = false
  for await (const page of pages(o.reader, DOT_TABLES.application, columns, run.pageSize)) {
    const clients = []
    for (const row of page) {
      report.read++
      const client = mapApplication(row, { now: o.now, authMethod: o.authMethod, users, epoch: run.epoch }, report)
      if (!client) continue
      byPk.set(key(row.id) ?? '', client.client_id)
      if (existing.has(client.client_id)) report.already_present++
      if (client.secret_hash?.includes('$')) djangoHashed = true
      clients.push(client)
    }
    await run.write({ clients })
    o.progress.advance(page.length)
  }
  return { byPk, djangoHashed }
}

/** The tables counted, never imported, with why. */
async function countLeftOut(reader: DotReader, schema: DotSchema, tables: Record<DotTable, TableReport>): Promise<void> {
  const leftOut = [
    [schema.grant, DOT_TABLES.grant, 'authorization codes live for minutes: a sign-in under way starts again'],
    [schema.idToken, DOT_TABLES.idToken, 'ID tokens are signed by DOT and not stored by Grantline: a refresh with openid issues a new one'],
  ] as const
  for (const [columns, table, why] of leftOut) {
    if (!columns) continue
    const rows = await reader.count(table)
    tables[table].read = rows
    if (rows > 0) tables[table].skipped[why] = rows
  }
}

/** What a resource server sees of the imported tokens' audience (RFC 8707, RFC 9068 §4). */
function audienceNote(resources: readonly string[]): string {
  if (resources.length > 0) return `the tokens are for ${resources.join(', ')} (their audience; a refresh keeps it)`
  return 'the tokens have no audience: a resource server that verifies with its resource refuses them; import with --resource URI, or verify without a resource'
}

/** Rows written per table, from the counts of the one transaction; the rest were there already. */
function settle(report: TableReport, mapped: number, gained: number): void {
  report.imported = gained
  report.already_present = mapped - gained
}

/** Reads, maps and writes everything, a page at a time, through `write`; answers whether a kept secret is a Django hash. */
async function importAll(run: Run): Promise<boolean> {
  const { o, tables } = run
  const users = await importUsers(run)
  const { byPk, djangoHashed } = await importClients(run, users)
  const access = tables.oauth2_provider_accesstoken
  const refresh = tables.oauth2_provider_refreshtoken
  const context = {
    now: o.now,
    clients: byPk,
    users,
    refreshTtl: o.refreshTtl,
    familyTtl: o.familyTtl,
    dotRefreshExpire: o.dotRefreshExpire,
    resources: o.resources,
  }
  const mapper = createTokenMapper(context, { access, refresh })
  const { schema, epoch, pageSize, write } = run
  await importTokens({ reader: o.reader, schema, epoch, mapper, pageSize, progress: o.progress, reports: { access, refresh }, write })
  await run.write({ consents: mapper.finish() })
  return djangoHashed
}

/**
 * Reads a Django OAuth Toolkit database and writes its applications, users and live tokens into
 * Grantline's database in one transaction (or, with `dryRun`, only reports what it would do). Rows
 * are read by primary key, mapped and written a page at a time inside that transaction, so that
 * memory holds a page, not the database, and a failure anywhere leaves nothing written.
 */
export async function importDot(o: ImportDotOptions): Promise<{ report: ImportReport }> {
  const { reader, progress } = o
  const schema = await readDotSchema(reader)
  const tables = Object.fromEntries(Object.values(DOT_TABLES).map((name) => [name, emptyTable()])) as Record<DotTable, TableReport>
  const refreshRows = await reader.count(DOT_TABLES.refreshToken)
  // DOT 3's refresh tokens are read twice: once for their chains (import-tokens.ts), once to import.
  const total =
    (await reader.count(DOT_TABLES.user)) +
    (await reader.count(DOT_TABLES.application)) +
    (await reader.count(DOT_TABLES.accessToken)) +
    refreshRows * (schema.refreshToken.has('token_family') ? 2 : 1)
  // One line for the whole import: each page counts once it is written.
  progress.phase(o.dryRun ? 'reading' : 'importing', total)
  const tally: Tally = { mapped: zero(), gained: zero() }
  const counting =
    (write: ImportWriter): ImportWriter =>
    async (records) => {
      for (const [table, rows] of Object.entries(records) as [keyof ImportRecords, unknown[]][]) tally.mapped[table] += rows.length
      const gained = await write(records)
      for (const table of Object.keys(gained) as (keyof ImportCounts)[]) tally.gained[table] += gained[table]
      return gained
    }
  const run = (write: ImportWriter) =>
    importAll({ o, schema, epoch: createEpochReader(o.timeZone), pageSize: o.pageSize ?? PAGE_SIZE, tables, write: counting(write) })
  let djangoHashed: boolean
  if (o.dryRun) {
    djangoHashed = await run(async () => zero())
  } else {
    try {
      djangoHashed = await o.database.importInTransaction(async (write) => {
        const hashed = await run(write)
        progress.phase('committing', 0)
        return hashed
      })
    } catch (error) {
      progress.done()
      if (error instanceof CliError) throw error
      throw new CliError(`the import failed and wrote nothing: ${(error as Error).message}`, 1)
    }
  }
  progress.done()
  await countLeftOut(reader, schema, tables)
  const { mapped, gained } = tally
  if (mapped.accessTokens + mapped.refreshTokens > 0) tables.oauth2_provider_accesstoken.notes.push(audienceNote(o.resources))
  if (o.dryRun) {
    // What would be written: the users and clients not there already, every live token.
    tables.auth_user.imported = mapped.users - tables.auth_user.already_present
    tables.oauth2_provider_application.imported = mapped.clients - tables.oauth2_provider_application.already_present
    tables.oauth2_provider_accesstoken.imported = mapped.accessTokens
    tables.oauth2_provider_refreshtoken.imported = mapped.refreshTokens
  } else {
    settle(tables.auth_user, mapped.users, gained.users)
    settle(tables.oauth2_provider_application, mapped.clients, gained.clients)
    settle(tables.oauth2_provider_accesstoken, mapped.accessTokens, gained.accessTokens)
    settle(tables.oauth2_provider_refreshtoken, mapped.refreshTokens, gained.refreshTokens)
  }
  // DOT 2.0 to 2.3 hashed every secret but added no column to show it: a kept Django hash does.
  const version = schema.version === '1.x' && djangoHashed ? '2.x' : schema.version
  return { report: { source: { dialect: reader.dialect, dot_version: version }, dry_run: o.dryRun, tables } }
}
