import type { SqlDriver, SqlStatement, SqlValue } from '@grantline/sql'
import { CliError } from './cli-error.js'

/** A statement that only reads: it is answered by the scratch database and not written out. */
const READ_ONLY = /^\s*select\b/i

/**
 * A value as a SQLite literal. A string is quoted with its quotes doubled; a control character
 * (a newline in a client name, say) is spliced in as `char(n)`, so every statement stays on one
 * line: D1's `exec` and a line-based reader see whole statements.
 */
export function sqliteLiteral(value: SqlValue): string {
  if (value === null) return 'NULL'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CliError(`cannot write ${value} as a SQL literal`)
    return String(value)
  }
  const parts = value
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it splits out
    .split(/([\0-\x1f\x7f])/)
    .map((part, i) => (i % 2 === 1 ? `char(${part.charCodeAt(0)})` : `'${part.replaceAll("'", "''")}'`))
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' || ')})`
}

/**
 * The statement text with each `?` placeholder replaced by its value as a literal. Placeholders
 * inside quoted text or identifiers are left alone (Grantline's statements have none there).
 */
export function inlineValues(text: string, values: readonly SqlValue[]): string {
  let next = 0
  // Runs of whitespace in the SQL text become one space (one statement, one line); the values
  // are spliced in by the callback, so theirs are never touched.
  const inlined = text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?|\s+/g, (token) => {
    if (token === '?') {
      if (next >= values.length) throw new CliError('a statement has more placeholders than values')
      return sqliteLiteral(values[next++] as SqlValue)
    }
    return /^\s/.test(token) ? ' ' : token
  })
  if (next !== values.length) throw new CliError('a statement has more values than placeholders')
  return inlined.trim()
}

export interface SqlCapture {
  /** The driver the storage and account store are built on. */
  driver: SqlDriver
  /** Every write that ran, in order, as one line of SQL each, `;`-terminated. */
  script(): string
}

/** A statement of the capture driver: the scratch database's, with its text and bound values. */
class CapturedStatement implements SqlStatement {
  constructor(
    readonly inner: SqlStatement,
    readonly text: string,
    readonly values: SqlValue[],
    readonly written: string[],
  ) {}

  /** Notes the statement once it ran: a write, with its values inlined; a read is left out. */
  record(): void {
    if (!READ_ONLY.test(this.text)) this.written.push(`${inlineValues(this.text, this.values)};`)
  }

  bind(...values: SqlValue[]): SqlStatement {
    return new CapturedStatement(this.inner.bind(...values), this.text, [...this.values, ...values], this.written)
  }

  async first<T>(): Promise<T | null> {
    const row = await this.inner.first<T>()
    this.record()
    return row
  }

  async all<T>(): Promise<{ results: T[] }> {
    const rows = await this.inner.all<T>()
    this.record()
    return rows
  }

  async run() {
    const result = await this.inner.run()
    this.record()
    return result
  }
}

/**
 * A SqlDriver that runs every statement on `scratch` (a fresh, migrated SQLite database, so that
 * reads, RETURNING and `meta.changes` answer as on an empty D1 database) and records each write
 * with its values inlined: the same rows @grantline/sql writes, as text for `wrangler d1 execute`.
 * A batch is written as its statements in order, once the scratch database committed them.
 */
export function captureDriver(scratch: SqlDriver): SqlCapture {
  const written: string[] = []
  return {
    driver: {
      prepare: (text) => new CapturedStatement(scratch.prepare(text), text, [], written),
      async batch(statements) {
        const captured = statements as CapturedStatement[]
        const results = await scratch.batch(captured.map((s) => s.inner))
        for (const s of captured) s.record()
        return results
      },
      close: async () => {
        await scratch.close?.()
      },
    },
    script: () => (written.length ? `${written.join('\n')}\n` : ''),
  }
}
