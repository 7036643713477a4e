import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createWorkspace, runCli, type Workspace } from '../server/support.js'

// Each test runs the real CLI, and grantline serve, as child processes on a shared machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/** A mistake on the command line or a source that is not DOT's: one line on stderr, a non-zero status, nothing written. */
describe('grantline import-dot refuses what it cannot import, in one line', () => {
  let ws: Workspace
  const run = (...args: string[]) => runCli(['import-dot', '--data', ws.data, '--db', ws.db, ...args])

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
  })
  afterAll(async () => {
    await ws?.dispose()
  })

  it.each([
    [[], /^grantline: --from is required\n$/],
    [['--from', 'x.sqlite3', '--auth-method', 'none'], /^grantline: --auth-method must be client_secret_basic or client_secret_post\n$/],
    [['--from', 'x.sqlite3', 'extra'], /^grantline: unexpected argument "extra"/],
    [['--from', '/no/such/file.sqlite3'], /^grantline: --from: no such file \/no\/such\/file.sqlite3\n$/],
  ])('bad arguments %j exit 2', async (args, message) => {
    const result = await run(...args)
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stdout).toBe('')
  })

  it('--from naming the --db database is refused before anything is opened', async () => {
    const result = await run('--from', ws.db)
    expect(result.status).toBe(2)
    expect(result.stderr).toBe('grantline: --from and --db name the same database; import into a database of its own\n')
  })

  it('a file that is not a database, and a database without DOT tables, exit 1 with the reason', async () => {
    const text = join(ws.dir, 'notes.txt')
    writeFileSync(text, 'not a database at all, just some text that is long enough to be a file\n'.repeat(20))
    const notDb = await run('--from', text)
    expect(notDb.status).toBe(1)
    expect(notDb.stderr).toMatch(/^grantline: cannot read .*notes\.txt: file is not a database\n$/)
    const other = join(ws.dir, 'other.sqlite3')
    const db = new Database(other)
    db.exec('CREATE TABLE things (id integer PRIMARY KEY)')
    db.close()
    const notDot = await run('--from', other)
    expect(notDot.status).toBe(1)
    expect(notDot.stderr).toBe('grantline: --from is not a Django OAuth Toolkit database: it has no table oauth2_provider_application\n')
  })
})
