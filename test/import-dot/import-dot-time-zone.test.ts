import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createEpochReader } from '../../adapters/node/src/cli/import-dot/dot-values.js'
import { createWorkspace, runCli, type Workspace } from '../server/support.js'
import type { Report } from './report.js'

// Each test runs the real CLI as child processes on a shared machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

const HOUR = 3600_000
const seconds = (iso: string) => Date.parse(iso) / 1000

/** Django's SQLite datetime text (no offset) of the wall time `offsetHours` from UTC at the instant `ms`. */
const naive = (ms: number, offsetHours: number) => new Date(ms + offsetHours * HOUR).toISOString().replace('T', ' ').replace('Z', '000')

describe('Django datetimes without an offset, read in a time zone', () => {
  it('UTC by default, as Django writes them on SQLite with USE_TZ on', () => {
    expect(createEpochReader()('2026-07-01 12:00:00.123456')).toBe(seconds('2026-07-01T12:00:00Z'))
  })

  it('the wall time of the zone, with its daylight saving time', () => {
    const newYork = createEpochReader('America/New_York')
    expect(newYork('2026-01-15 12:00:00')).toBe(seconds('2026-01-15T17:00:00Z'))
    expect(newYork('2026-07-01 12:00:00.5')).toBe(seconds('2026-07-01T16:00:00Z'))
    expect(createEpochReader('Asia/Tokyo')('2026-07-01 12:00:00')).toBe(seconds('2026-07-01T03:00:00Z'))
  })

  it("a wall time the clocks skipped or passed twice reads as Python's zoneinfo reads a naive datetime (fold=0)", () => {
    const newYork = createEpochReader('America/New_York')
    // Values from datetime(...).replace(tzinfo=ZoneInfo('America/New_York')).astimezone(timezone.utc).
    expect(newYork('2026-03-08 02:30:00')).toBe(seconds('2026-03-08T07:30:00Z'))
    expect(newYork('2026-11-01 01:30:00')).toBe(seconds('2026-11-01T05:30:00Z'))
  })

  it('an instant (a PostgreSQL Date, a text with an offset) stays what it is', () => {
    const tokyo = createEpochReader('Asia/Tokyo')
    expect(tokyo(new Date('2026-07-01T12:00:00Z'))).toBe(seconds('2026-07-01T12:00:00Z'))
    expect(tokyo('2026-07-01 12:00:00+02:00')).toBe(seconds('2026-07-01T10:00:00Z'))
    expect(tokyo(null)).toBeNull()
    expect(tokyo('not a date')).toBeNull()
  })
})

/**
 * A DOT 1.x SQLite database written by a Django site with USE_TZ = False and TIME_ZONE =
 * 'Asia/Tokyo' (UTC+9, no daylight saving time): every datetime is Tokyo's wall time.
 */
describe('grantline import-dot --time-zone (Django USE_TZ = False)', () => {
  let ws: Workspace
  let from: string
  const now = Date.now()
  const tokyo = (ms: number) => naive(ms, 9)
  const live = now + HOUR / 2
  const joined = now - 24 * HOUR

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    from = join(ws.dir, 'dot1-tokyo.sqlite3')
    const db = new Database(from)
    db.exec(readFileSync(new URL('./fixtures/dot1-sqlite.sql', import.meta.url), 'utf8'))
    db.prepare(
      `INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
       VALUES (3, '!', 0, 'kenji', '', '', '', 0, 1, ?)`,
    ).run(tokyo(joined))
    db.prepare(
      `INSERT INTO oauth2_provider_application (id, client_id, redirect_uris, client_type, authorization_grant_type, client_secret, name,
       user_id, skip_authorization, created, updated) VALUES (1, 'tokyoClient', 'http://localhost:8000/callback', 'public',
       'authorization-code', '', 'Tokyo app', 3, 0, ?, ?)`,
    ).run(tokyo(joined), tokyo(joined))
    const access = db.prepare(
      `INSERT INTO oauth2_provider_accesstoken (id, token, expires, scope, application_id, user_id, created, updated)
       VALUES (?, ?, ?, 'read', 1, 3, ?, ?)`,
    )
    // Live for half an hour more; expired half an hour ago. Read as UTC, both end 9 hours later.
    access.run(1, 'tokyoLiveAccessToken0123456789', tokyo(live), tokyo(now - HOUR), tokyo(now - HOUR))
    access.run(2, 'tokyoExpiredAccessToken012345', tokyo(now - HOUR / 2), tokyo(now - 2 * HOUR), tokyo(now - 2 * HOUR))
    db.close()
  })
  afterAll(async () => {
    await ws?.dispose()
  })

  const importDot = async (...more: string[]) => {
    const result = await runCli(['import-dot', '--from', from, '--data', ws.data, '--db', ws.db, '--json', ...more])
    if (result.status !== 0) throw new Error(`import-dot exited ${result.status}: ${result.stderr}`)
    return JSON.parse(result.stdout) as Report
  }

  it('read as UTC (the default), the token that expired in Tokyo half an hour ago looks live', async () => {
    const report = await importDot('--dry-run')
    expect(report.tables.oauth2_provider_accesstoken).toMatchObject({ read: 2, imported: 2, skipped: {} })
  })

  it('--time-zone Asia/Tokyo skips it as expired, and the live one expires when it did in DOT', async () => {
    const report = await importDot('--time-zone', 'Asia/Tokyo')
    expect(report.tables.oauth2_provider_accesstoken).toMatchObject({ read: 2, imported: 1, skipped: { expired: 1 } })
    const db = new Database(ws.db, { readonly: true })
    expect(db.prepare('SELECT expires_at, created_at FROM access_tokens').all()).toStrictEqual([
      { expires_at: Math.floor(live / 1000), created_at: Math.floor((now - HOUR) / 1000) },
    ])
    expect(db.prepare('SELECT created_at FROM users').get()).toStrictEqual({ created_at: Math.floor(joined / 1000) })
    expect(db.prepare('SELECT created_at FROM clients').get()).toStrictEqual({ created_at: Math.floor(joined / 1000) })
    db.close()
  })

  it('a --time-zone that is not an IANA zone name exits 2 before anything is read', async () => {
    const result = await runCli(['import-dot', '--from', from, '--data', ws.data, '--db', ws.db, '--time-zone', 'Mars/Olympus'])
    expect(result.status).toBe(2)
    expect(result.stderr).toBe('grantline: --time-zone Mars/Olympus: not an IANA time zone name (like Europe/Paris)\n')
  })
})
