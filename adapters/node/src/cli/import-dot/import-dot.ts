import type { UserRecord } from '@grantline/core'
import type { ImportCounts, ImportedClient, ImportRecords } from '@grantline/sql'
import { CliError } from '../cli-error.js'
import type { Database } from '../open-database.js'
import type { Progress } from '../progress.js'
import type { DotReader, DotRow } from './dot-reader.js'
import { type DotSchema, readDotSchema } from './dot-schema.js'
import { DOT_TABLES, type DotTable } from './dot-tables.js'
import { key } from './dot-values.js'
import { emptyTable, type ImportReport, type TableReport } from './import-report.js'
import { APPLICATION_COLUMNS, LATER_APPLICATION_COLUMNS, mapApplication } from './map-application.js'
import {
  ACCESS_COLUMNS,
  createTokenMapper,
  LATER_ACCESS_COLUMNS,
  LATER_REFRESH_COLUMNS,
  REFRESH_COLUMNS,
  readAccessToken,
  readRefreshToken,
  type TokenContext,
} from './map-tokens.js'
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
  authMethod: 'client_secret_basic' | 'client_secret_post'
  /** The audience of the imported tokens (RFC 8707 resources, canonical); [] leaves them without one. */
  resources: readonly string[]
  dryRun: boolean
  progress: Progress
}

/** The report of an import, with the records it writes (or, dry, would write). */
export interface ImportResult {
  report: ImportReport
  records: ImportRecords
}

/** The columns to read: those the table has, of the ones the import knows. */
const present = (columns: Set<string>, wanted: readonly string[]) => wanted.filter((column) => columns.has(column))

async function eachRow(reader: DotReader, table: string, columns: string[], progress: Progress, fn: (row: DotRow) => void) {
  for await (const page of reader.rows(table, columns)) {
    for (const row of page) fn(row)
    progress.advance(page.length)
  }
}

async function readClients(o: ImportDotOptions, schema: DotSchema, users: Set<string>, report: TableReport) {
  const existing = new Set((await o.database.storage.listClients()).map((client) => client.client_id))
  const columns = present(schema.application, [...APPLICATION_COLUMNS, ...LATER_APPLICATION_COLUMNS])
  const clients: ImportedClient[] = []
  const byPk = new Map<string, string>()
  await eachRow(o.reader, DOT_TABLES.application, columns, o.progress, (row) => {
    report.read++
    const client = mapApplication(row, { now: o.now, authMethod: o.authMethod, users }, report)
    if (!client) return
    byPk.set(key(row.id) ?? '', client.client_id)
    if (existing.has(client.client_id)) report.already_present++
    clients.push(client)
  })
  return { clients, byPk }
}

async function readUsers(o: ImportDotOptions, schema: DotSchema, report: TableReport) {
  const all = await o.database.accountStore.listUsers()
  const existing: ExistingUsers = { bySub: new Map(all.map((u) => [u.sub, u])), byUsername: new Map(all.map((u) => [u.username, u])) }
  const users: UserRecord[] = []
  const ids = new Set<string>()
  await eachRow(o.reader, DOT_TABLES.user, present(schema.user, USER_COLUMNS), o.progress, (row) => {
    report.read++
    const user = mapUser(row, o.now, existing, report)
    if (!user) return
    if (existing.bySub.has(user.sub)) report.already_present++
    ids.add(key(row.id) ?? '')
    users.push(user)
  })
  return { users, ids }
}

/** Reads and maps the access tokens, then the refresh tokens (which pair with them). */
async function readTokens(o: ImportDotOptions, schema: DotSchema, context: TokenContext, tables: Record<DotTable, TableReport>) {
  const mapper = createTokenMapper(context, { access: tables.oauth2_provider_accesstoken, refresh: tables.oauth2_provider_refreshtoken })
  const accessColumns = present(schema.accessToken, [...ACCESS_COLUMNS, ...LATER_ACCESS_COLUMNS])
  await eachRow(o.reader, DOT_TABLES.accessToken, accessColumns, o.progress, (row) => {
    tables.oauth2_provider_accesstoken.read++
    mapper.addAccess(readAccessToken(row))
  })
  const refreshColumns = present(schema.refreshToken, [...REFRESH_COLUMNS, ...LATER_REFRESH_COLUMNS])
  await eachRow(o.reader, DOT_TABLES.refreshToken, refreshColumns, o.progress, (row) => {
    tables.oauth2_provider_refreshtoken.read++
    mapper.addRefresh(readRefreshToken(row))
  })
  return mapper.finish()
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

/**
 * Reads a Django OAuth Toolkit database and writes its applications, users and live tokens into
 * Grantline's database in one transaction (or, with `dryRun`, only reports what it would do).
 */
export async function importDot(o: ImportDotOptions): Promise<ImportResult> {
  const { reader, progress } = o
  const schema = await readDotSchema(reader)
  const tables = Object.fromEntries(Object.values(DOT_TABLES).map((name) => [name, emptyTable()])) as Record<DotTable, TableReport>
  const counts = {
    user: await reader.count(DOT_TABLES.user),
    application: await reader.count(DOT_TABLES.application),
    access: await reader.count(DOT_TABLES.accessToken),
    refresh: await reader.count(DOT_TABLES.refreshToken),
  }
  progress.phase('reading', counts.user + counts.application + counts.access + counts.refresh)

  const { users, ids } = await readUsers(o, schema, tables.auth_user)
  const { clients, byPk } = await readClients(o, schema, ids, tables.oauth2_provider_application)
  const tokens = await readTokens(
    o,
    schema,
    {
      now: o.now,
      clients: byPk,
      users: ids,
      refreshTtl: o.refreshTtl,
      familyTtl: o.familyTtl,
      dotRefreshExpire: o.dotRefreshExpire,
      resources: o.resources,
    },
    tables,
  )
  await countLeftOut(reader, schema, tables)
  if (tokens.accessTokens.length + tokens.refreshTokens.length > 0) tables.oauth2_provider_accesstoken.notes.push(audienceNote(o.resources))
  const records: ImportRecords = { clients, users, ...tokens }
  tables.auth_user.imported = users.length - tables.auth_user.already_present
  tables.oauth2_provider_application.imported = clients.length - tables.oauth2_provider_application.already_present
  if (!o.dryRun) {
    // One transaction has no progress to show until it commits: the line says what it waits for.
    const rows = Object.values(records).reduce((sum, list: unknown[]) => sum + list.length, 0)
    progress.phase(`writing ${rows.toLocaleString('en')} rows in one transaction`, 0)
    let gained: ImportCounts
    try {
      gained = await o.database.importRecords(records)
    } catch (error) {
      progress.done()
      throw new CliError(`the import failed and wrote nothing: ${(error as Error).message}`, 1)
    }
    settle(tables.auth_user, users.length, gained.users)
    settle(tables.oauth2_provider_application, clients.length, gained.clients)
    settle(tables.oauth2_provider_accesstoken, tokens.accessTokens.length, gained.accessTokens)
    settle(tables.oauth2_provider_refreshtoken, tokens.refreshTokens.length, gained.refreshTokens)
  }
  progress.done()
  // DOT 2.0 to 2.3 hashed every secret but added no column to show it: a kept Django hash does.
  const version = schema.version === '1.x' && clients.some((c) => c.secret_hash?.includes('$')) ? '2.x' : schema.version
  return {
    report: { source: { dialect: reader.dialect, dot_version: version }, dry_run: o.dryRun, tables },
    records,
  }
}
