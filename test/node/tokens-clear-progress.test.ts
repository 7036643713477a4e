import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, CLI, createWorkspace, runCli, type Workspace } from '../server/support.js'

/**
 * `grantline tokens clear` on a large backlog shows its progress on a terminal (rows done of the
 * total, rate, time left) and nowhere else: a pipe, a file or `--json` output gets the result only.
 * The terminal is a real pseudo-terminal, made by util-linux's `script`.
 */

const EXPIRED = 2_500
const REVOKED = 300
/** Both expired and revoked: removed once, counted once. */
const BOTH = 200
const LIVE = 100

type Row = [hash: string, expires: number, revoked: number | null]

/** The backlog: rows for each case, `tag` keeping the keys of two fills apart. */
function backlog(now: number, tag: string): Row[] {
  const rows: Row[] = []
  const add = (count: number, expires: number, revoked: number | null) => {
    for (let i = 0; i < count; i++) rows.push([`${tag}${rows.length}`, expires, revoked])
  }
  add(EXPIRED, now - 60, null)
  add(REVOKED, now + 3600, now - 10)
  add(BOTH, now - 60, now - 10)
  add(LIVE, now + 3600, null)
  return rows
}

/** Writes the backlog straight into a table `provider.cleanup` sweeps, in one transaction. */
async function fill(ws: Workspace, tag: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000)
  const rows = backlog(now, tag)
  if (ws.backend === 'postgres') {
    const pg = postgres(ws.db, { max: 1, onnotice: () => {} })
    try {
      await pg.begin(async (tx) => {
        for (const [hash, expires, revoked] of rows) {
          await tx`INSERT INTO access_tokens (hash, family_id, client_id, sub, scopes, created_at, expires_at, revoked_at)
            VALUES (${hash}, 'f', 'c', 'u', 'read', ${now - 7200}, ${expires}, ${revoked})`
        }
      })
    } finally {
      await pg.end({ timeout: 5 })
    }
    return
  }
  const sqlite = new Database(ws.db)
  const insert = sqlite.prepare(
    `INSERT INTO access_tokens (hash, family_id, client_id, sub, scopes, created_at, expires_at, revoked_at)
     VALUES (?, 'f', 'c', 'u', 'read', ?, ?, ?)`,
  )
  sqlite.transaction(() => {
    for (const [hash, expires, revoked] of rows) insert.run(hash, now - 7200, expires, revoked)
  })()
  sqlite.close()
}

async function remaining(ws: Workspace): Promise<number> {
  if (ws.backend === 'postgres') {
    const pg = postgres(ws.db, { max: 1, onnotice: () => {} })
    try {
      return Number((await pg`SELECT COUNT(*) AS n FROM access_tokens`)[0]?.n)
    } finally {
      await pg.end({ timeout: 5 })
    }
  }
  const sqlite = new Database(ws.db, { readonly: true })
  try {
    return (sqlite.prepare('SELECT COUNT(*) AS n FROM access_tokens').get() as { n: number }).n
  } finally {
    sqlite.close()
  }
}

/** Runs a shell command line under a pseudo-terminal; answers what the terminal showed. */
async function onTerminal(command: string): Promise<string> {
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { timeout: 60_000 })
  return stdout
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

describe.each(BACKENDS)('grantline tokens clear on %s: progress on a terminal', (backend) => {
  let ws: Workspace

  beforeAll(async () => {
    ws = await createWorkspace(backend)
    const migrated = await runCli(['migrate', '--db', ws.db, '--data', ws.data])
    if (migrated.status !== 0) throw new Error(migrated.stderr)
  }, 60_000)
  afterAll(async () => {
    await ws?.dispose()
  })

  it('shows rows done of the total on the terminal, while --json output holds only the final report', async () => {
    await fill(ws, 'a')
    const out = join(ws.dir, 'clear.json')
    const shown = await onTerminal(
      `${quote(process.execPath)} ${quote(CLI)} tokens clear --batch 100 --json --db ${quote(ws.db)} --data ${quote(ws.data)} > ${quote(out)}`,
    )
    const total = (EXPIRED + REVOKED + BOTH).toLocaleString('en')
    expect(shown).toContain(`removing expired and revoked rows: 0 of ${total} rows`)
    // Redrawn in place with a carriage return, and cleared before the command ends.
    expect(shown).toMatch(/\r +\r/)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toStrictEqual({ removed: EXPIRED + REVOKED + BOTH, login_failures: 0 })
    expect(await remaining(ws)).toBe(LIVE)
  }, 60_000)

  it('writes no progress off a terminal: stderr stays empty, stdout is the result', async () => {
    await fill(ws, 'b')
    const run = await runCli(['tokens', 'clear', '--db', ws.db, '--data', ws.data])
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe(`removed ${EXPIRED + REVOKED + BOTH} expired or revoked rows and 0 stale failed-login records\n`)
  }, 60_000)
})
