import type { DotVersion } from './dot-schema.js'
import type { DotTable } from './dot-tables.js'

/** A row left out, or a value of an imported row left out, and why. */
export interface Refusal {
  /** The row's DOT id (an application's client_id, a user's username). */
  id: string
  /** For a value left out of an imported row: the field and the value. */
  field?: string
  value?: string
  why: string
}

/** What became of one DOT table's rows. */
export interface TableReport {
  read: number
  /** Rows written (with --dry-run: rows that would be written). */
  imported: number
  /** Rows whose key Grantline holds already (an earlier import): left unchanged. */
  already_present: number
  /** Rows left out on purpose, by reason (expired, revoked, short-lived codes). */
  skipped: Record<string, number>
  /** Rows not imported, each with why. */
  refused: Refusal[]
  /** Values of imported rows that were not carried over (a redirect URI no longer allowed), each with why. */
  refused_values: Refusal[]
  /** What the operator should know about imported rows (a password hash Grantline cannot check). */
  notes: string[]
}

export interface ImportReport {
  source: { dialect: 'sqlite' | 'postgres'; dot_version: DotVersion }
  dry_run: boolean
  tables: Record<DotTable, TableReport>
}

export function emptyTable(): TableReport {
  return { read: 0, imported: 0, already_present: 0, skipped: {}, refused: [], refused_values: [], notes: [] }
}

export function skip(table: TableReport, reason: string): void {
  table.skipped[reason] = (table.skipped[reason] ?? 0) + 1
}

/** Refusals listed one per line up to this many per table; --json lists them all. */
const LISTED = 20

function listed(title: string, items: string[]): string[] {
  if (items.length === 0) return []
  const shown = items.slice(0, LISTED).map((item) => `    ${item}`)
  const more = items.length > LISTED ? [`    ... and ${items.length - LISTED} more (--json lists them all)`] : []
  return [`  ${title}:`, ...shown, ...more]
}

const refusalLine = (r: Refusal) => `${r.id}${r.field ? ` ${r.field} ${JSON.stringify(r.value)}` : ''}: ${r.why}`

/** The report as text: one block per table. */
export function formatReport(report: ImportReport): string {
  const lines = [
    `${report.dry_run ? 'dry run (nothing written): ' : ''}Django OAuth Toolkit ${report.source.dot_version} database (${report.source.dialect})`,
  ]
  for (const [name, table] of Object.entries(report.tables)) {
    const skipped = Object.entries(table.skipped).map(([reason, n]) => `${n} ${reason}`)
    const counts = [
      `${table.read} read`,
      `${table.imported} ${report.dry_run ? 'to import' : 'imported'}`,
      ...(table.already_present ? [`${table.already_present} already present`] : []),
      ...(skipped.length ? [`skipped ${skipped.join(', ')}`] : []),
      ...(table.refused.length ? [`${table.refused.length} refused`] : []),
    ]
    lines.push(`${name}: ${counts.join(', ')}`)
    lines.push(...listed('refused', table.refused.map(refusalLine)))
    lines.push(...listed('refused values (the row was imported without them)', table.refused_values.map(refusalLine)))
    lines.push(...listed('notes', table.notes))
  }
  return lines.join('\n')
}
