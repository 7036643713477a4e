/** A row of a Django OAuth Toolkit table, as the database driver hands it over. */
export type DotRow = Record<string, unknown>

/**
 * Read-only access to a Django OAuth Toolkit database: which tables and columns it has (the DOT
 * version shows in them), how many rows, and the rows a page at a time, so that the import holds
 * one page, not a table, and a progress display can follow.
 */
export interface DotReader {
  /** `sqlite` or `postgres`: what the report names as the source. */
  readonly dialect: 'sqlite' | 'postgres'
  /** The table's column names, or undefined when there is no such table. */
  columns(table: string): Promise<Set<string> | undefined>
  count(table: string): Promise<number>
  /**
   * Up to `limit` rows by primary key, those after the id `after` (none: from the first): keyset
   * pagination, so that each page is an index range, and no cursor holds the connection between pages.
   */
  page(table: string, columns: readonly string[], after: unknown, limit: number): Promise<DotRow[]>
  /** The rows whose `column` (an indexed one) is one of `values`, those of each value by primary key. */
  lookup(table: string, columns: readonly string[], column: string, values: readonly unknown[]): Promise<DotRow[]>
  close(): Promise<void>
}

/** Rows per page, and per write inside the import's one transaction. */
export const PAGE_SIZE = 1000

/** Values per `IN (...)` list: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
export const LOOKUP_SIZE = 1000

/** A table or column name from Django's fixed schema, quoted for either dialect. */
export function quoteName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`unexpected SQL name "${name}"`)
  return `"${name}"`
}

/** Every row of `table`, a page at a time, by primary key. */
export async function* pages(reader: DotReader, table: string, columns: readonly string[], size = PAGE_SIZE): AsyncIterable<DotRow[]> {
  let after: unknown
  for (;;) {
    const page = await reader.page(table, columns, after, size)
    if (page.length > 0) yield page
    if (page.length < size) return
    after = page[page.length - 1]?.id
  }
}

/** The SELECT of `page`, with `?` placeholders: its values are `[after, limit]` or `[limit]`. */
export function pageSql(table: string, columns: readonly string[], after: unknown): string {
  const where = after === undefined ? '' : ` WHERE ${quoteName('id')} > ?`
  return `SELECT ${columns.map(quoteName).join(', ')} FROM ${quoteName(table)}${where} ORDER BY ${quoteName('id')} LIMIT ?`
}

/** The SELECTs of `lookup`, with `?` placeholders, each with its values. */
export function lookupSql(table: string, columns: readonly string[], column: string, values: readonly unknown[]) {
  const distinct = [...new Set(values)]
  const queries: { text: string; values: unknown[] }[] = []
  for (let start = 0; start < distinct.length; start += LOOKUP_SIZE) {
    const chunk = distinct.slice(start, start + LOOKUP_SIZE)
    const list = chunk.map(() => '?').join(', ')
    queries.push({
      text: `SELECT ${columns.map(quoteName).join(', ')} FROM ${quoteName(table)} WHERE ${quoteName(column)} IN (${list}) ORDER BY ${quoteName('id')}`,
      values: chunk,
    })
  }
  return queries
}
