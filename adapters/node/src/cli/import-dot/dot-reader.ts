/** A row of a Django OAuth Toolkit table, as the database driver hands it over. */
export type DotRow = Record<string, unknown>

/**
 * Read-only access to a Django OAuth Toolkit database: which tables and columns it has (the DOT
 * version shows in them), how many rows, and the rows in pages, so that a large table is never
 * held twice and a progress display can follow.
 */
export interface DotReader {
  /** `sqlite` or `postgres`: what the report names as the source. */
  readonly dialect: 'sqlite' | 'postgres'
  /** The table's column names, or undefined when there is no such table. */
  columns(table: string): Promise<Set<string> | undefined>
  count(table: string): Promise<number>
  /** The given columns of every row, by primary key, in pages. */
  rows(table: string, columns: readonly string[]): AsyncIterable<DotRow[]>
  close(): Promise<void>
}

/** Rows per page. */
export const PAGE_SIZE = 1000

/** A table or column name from Django's fixed schema, quoted for either dialect. */
export function quoteName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`unexpected SQL name "${name}"`)
  return `"${name}"`
}
