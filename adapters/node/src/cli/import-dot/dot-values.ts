/**
 * Values as DOT's database drivers hand them over: PostgreSQL gives Dates, booleans and bigint
 * ids as strings; SQLite gives Django's datetime text (`2024-05-01 12:00:00.123456`, UTC when
 * Django's USE_TZ is on, its default), 0/1 and numbers.
 */

/** Epoch seconds of a Django datetime, or null when there is none. */
export function epochSeconds(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null
  if (value instanceof Date) return Math.floor(value.getTime() / 1000)
  const text = String(value).trim().replace(' ', 'T')
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`
  const ms = Date.parse(zoned)
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000)
}

/** A Django boolean. */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true'
}

/** A primary or foreign key as text, or null. */
export function key(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value)
}

/** Text, '' for null. */
export function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value)
}

/** DOT's space-separated lists (redirect URIs, scopes, origins). */
export function words(value: unknown): string[] {
  return text(value).split(/\s+/).filter(Boolean)
}
