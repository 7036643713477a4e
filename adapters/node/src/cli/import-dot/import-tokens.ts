import type { Family } from '@grantline/core'
import type { ImportedAccessToken, ImportedRefreshToken } from '@grantline/sql'
import type { Progress } from '../progress.js'
import { type DotReader, pages } from './dot-reader.js'
import type { DotSchema } from './dot-schema.js'
import { DOT_TABLES } from './dot-tables.js'
import type { EpochReader } from './dot-values.js'
import type { TableReport } from './import-report.js'
import {
  ACCESS_COLUMNS,
  type DotAccessToken,
  type DotRefreshToken,
  LATER_ACCESS_COLUMNS,
  LATER_REFRESH_COLUMNS,
  REFRESH_COLUMNS,
  readAccessToken,
  readRefreshToken,
  type TokenMapper,
} from './map-tokens.js'

export interface TokenPass {
  reader: DotReader
  schema: DotSchema
  epoch: EpochReader
  mapper: TokenMapper
  /** Rows per page. */
  pageSize: number
  progress: Progress
  reports: { access: TableReport; refresh: TableReport }
  /** Writes one page's records (in a dry run: only counts them). */
  write(records: { families: Family[]; accessTokens: ImportedAccessToken[]; refreshTokens: ImportedRefreshToken[] }): Promise<unknown>
}

/** The columns to read: those the table has, of the ones the import knows. */
export const present = (columns: Set<string>, wanted: readonly string[]) => wanted.filter((column) => columns.has(column))

const known = <T>(value: T | null): value is T => value !== null

/** The columns that tell whether a refresh token is imported live, and its chain. */
const CHAIN_COLUMNS = ['id', 'application_id', 'user_id', 'created', 'revoked', 'token_family'] as const

/**
 * DOT 3: the DOT id of each chain's founder, its first imported live token (by id), so that its
 * rotated-away tokens, which come before it, can join its grant. DOT has no index on
 * `token_family`, so the chains are found in one read of the table, not looked up per page; the
 * map holds one entry per live chain (about 100 bytes each).
 */
async function chainFounders(pass: TokenPass): Promise<Map<string, unknown>> {
  const founders = new Map<string, unknown>()
  if (!pass.schema.refreshToken.has('token_family')) return founders
  for await (const page of pages(pass.reader, DOT_TABLES.refreshToken, CHAIN_COLUMNS, pass.pageSize)) {
    for (const row of page) {
      const token = readRefreshToken(row, pass.epoch, false)
      if (token.chain !== null && !founders.has(token.chain) && pass.mapper.imported(token)) founders.set(token.chain, row.id)
    }
    pass.progress.advance(page.length)
  }
  return founders
}

/**
 * Reads, maps and writes DOT's tokens a page at a time: the refresh tokens first, each page with
 * the access tokens issued beside them and, for DOT 3 chains, the live tokens that found their
 * grants, looked up by primary key; then the access tokens no imported refresh token took. Nothing is
 * held from one page to the next but the consents.
 */
export async function importTokens(pass: TokenPass): Promise<void> {
  const { reader, schema, epoch, mapper } = pass
  const accessColumns = present(schema.accessToken, [...ACCESS_COLUMNS, ...LATER_ACCESS_COLUMNS])
  const refreshColumns = present(schema.refreshToken, [...REFRESH_COLUMNS, ...LATER_REFRESH_COLUMNS])
  const accessWhere = async (column: string, values: unknown[]) =>
    values.length === 0
      ? []
      : (await reader.lookup(DOT_TABLES.accessToken, accessColumns, column, values)).map((row) => readAccessToken(row, epoch))
  const accessOf = async (tokens: DotRefreshToken[]) => {
    const paired = new Map((await accessWhere('id', tokens.map((t) => t.access).filter(known))).map((t) => [t.id, t]))
    // Each refresh token's last access token refreshed from it: its rows come by id, so the last one stays.
    const bySource = new Map<string, DotAccessToken>()
    if (schema.accessToken.has('source_refresh_token_id')) {
      for (const t of await accessWhere(
        'source_refresh_token_id',
        tokens.map((token) => token.id),
      ))
        bySource.set(t.sourceRefresh ?? '', t)
    }
    return { paired, bySource }
  }

  const founderIds = await chainFounders(pass)
  for await (const page of pages(reader, DOT_TABLES.refreshToken, refreshColumns, pass.pageSize)) {
    pass.reports.refresh.read += page.length
    const tokens = page.map((row) => readRefreshToken(row, epoch))
    const ids = [...new Set(tokens.map((t) => (t.chain === null ? undefined : founderIds.get(t.chain))).filter((id) => id !== undefined))]
    const live =
      ids.length === 0
        ? []
        : (await reader.lookup(DOT_TABLES.refreshToken, refreshColumns, 'id', ids)).map((row) => readRefreshToken(row, epoch))
    const founders = mapper.founders(live, await accessOf(live))
    await pass.write(mapper.refreshPage(tokens, { ...(await accessOf(tokens)), founders }))
    pass.progress.advance(page.length)
  }

  for await (const page of pages(reader, DOT_TABLES.accessToken, accessColumns, pass.pageSize)) {
    pass.reports.access.read += page.length
    const tokens = page.map((row) => readAccessToken(row, epoch))
    const byId = new Map(tokens.map((t) => [t.id, t]))
    const taken = new Set<string>()
    const rows = await reader.lookup(DOT_TABLES.refreshToken, refreshColumns, 'access_token_id', [...byId.keys()])
    for (const refresh of rows.map((row) => readRefreshToken(row, epoch))) {
      const access = byId.get(refresh.access ?? '')
      if (access && mapper.takes(refresh, access)) taken.add(access.id)
    }
    await pass.write(mapper.accessPage(tokens, taken))
    pass.progress.advance(page.length)
  }
}
