/**
 * Values as DOT's database drivers hand them over: PostgreSQL gives Dates, booleans and bigint
 * ids as strings; SQLite gives Django's datetime text (`2024-05-01 12:00:00.123456`), 0/1 and
 * numbers. Django writes that text without an offset: UTC when its USE_TZ is on (the default
 * since Django 5.0, and in every project `startproject` made), the wall time of its TIME_ZONE when
 * USE_TZ is off. On PostgreSQL a DateTimeField is a `timestamp with time zone` either way.
 */

/** Reads a Django datetime as epoch seconds, or null when there is none. */
export type EpochReader = (value: unknown) => number | null

const QUARTER_HOUR_MS = 900_000
const HALF_DAY_MS = 43_200_000

/**
 * The UTC offset (milliseconds) of a wall time in `timeZone`. A wall time the clocks passed twice
 * (the hour after a change back) is the first one, and a wall time they skipped is read with the
 * offset before the change: what Python's zoneinfo does with a naive datetime (fold=0).
 */
function wallOffsets(timeZone: string): (wallMs: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const offsetAt = (instantMs: number) => {
    const part = Object.fromEntries(format.formatToParts(instantMs).map((p) => [p.type, Number(p.value)]))
    const wall = Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0, part.second ?? 0)
    return wall - Math.floor(instantMs / 1000) * 1000
  }
  // Zones change offset on a quarter hour of wall time: one answer per quarter hour serves all its times.
  const cache = new Map<number, number>()
  return (wallMs) => {
    const quarter = Math.floor(wallMs / QUARTER_HOUR_MS)
    let offset = cache.get(quarter)
    if (offset === undefined) {
      const wall = quarter * QUARTER_HOUR_MS
      const before = offsetAt(wall - HALF_DAY_MS)
      const after = offsetAt(wall + HALF_DAY_MS)
      offset = offsetAt(wall - before) === before ? before : offsetAt(wall - after) === after ? after : before
      if (cache.size >= 100_000) cache.clear()
      cache.set(quarter, offset)
    }
    return offset
  }
}

/** Whether `timeZone` is an IANA time zone name this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}

/**
 * Django datetimes as epoch seconds. A Date or a text with an offset is an instant as it is; a
 * text without one is a wall time in `timeZone` (UTC by default, as Django writes with USE_TZ on).
 */
export function createEpochReader(timeZone = 'UTC'): EpochReader {
  const offsetOf = timeZone.toUpperCase() === 'UTC' ? () => 0 : wallOffsets(timeZone)
  return (value) => {
    if (value === null || value === undefined || value === '') return null
    if (value instanceof Date) return Math.floor(value.getTime() / 1000)
    const text = String(value).trim().replace(' ', 'T')
    if (/(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
      const ms = Date.parse(text)
      return Number.isNaN(ms) ? null : Math.floor(ms / 1000)
    }
    const wall = Date.parse(`${text}Z`)
    return Number.isNaN(wall) ? null : Math.floor((wall - offsetOf(wall)) / 1000)
  }
}

/** Epoch seconds of a Django datetime written in UTC, or null when there is none. */
export const epochSeconds: EpochReader = createEpochReader()

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
