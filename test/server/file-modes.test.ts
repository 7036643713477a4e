import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createWorkspace, runCli, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

let ws: Workspace
beforeAll(async () => {
  ws = await createWorkspace('sqlite')
})
afterAll(async () => {
  await stopAllServers()
  await ws?.dispose()
})

/** The permission bits of a path, as `ls -l` would show them in octal. */
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8)

async function migrate(...args: string[]): Promise<void> {
  const result = await runCli(['migrate', ...args])
  expect(result).toMatchObject({ status: 0, stderr: '' })
}

/**
 * The SQLite database holds client records, token hashes and password hashes: what Grantline
 * creates for it is its owner's only (files 0600, folders 0700), as secrets.json already was.
 */
describe('file modes of what grantline creates', () => {
  it('grantline migrate on a fresh data folder: the folder 0700, the database 0600', async () => {
    const data = join(ws.dir, 'fresh-data')
    await migrate('--data', data)
    expect(modeOf(data)).toBe('700')
    expect(modeOf(join(data, 'grantline.sqlite'))).toBe('600')
  })

  it('grantline serve: the data folder 0700; the database, its -wal and -shm, and secrets.json 0600 while it runs', async () => {
    const server = await startServer(ws)
    const files = [ws.db, `${ws.db}-wal`, `${ws.db}-shm`, join(ws.data, 'secrets.json')]
    for (const file of files) expect(existsSync(file), file).toBe(true)
    expect(files.map(modeOf)).toEqual(['600', '600', '600', '600'])
    expect(modeOf(ws.data)).toBe('700')
    await server.stop()
  })

  it('--db in folders that do not exist: those made are 0700; an existing folder of the user keeps its mode', async () => {
    const existing = join(ws.dir, 'shared')
    mkdirSync(existing)
    chmodSync(existing, 0o755)
    const db = join(existing, 'made', 'deeper', 'grantline.sqlite')
    await migrate('--db', db, '--data', ws.data)
    expect(modeOf(existing)).toBe('755')
    expect(modeOf(join(existing, 'made'))).toBe('700')
    expect(modeOf(join(existing, 'made', 'deeper'))).toBe('700')
    expect(modeOf(db)).toBe('600')
  })

  it('a database an earlier version left readable by others (0644), with its -wal, becomes 0600', async () => {
    const db = join(ws.dir, 'old.sqlite')
    // Another process has it open in WAL mode, so its -wal file is there too.
    const open = new Database(db)
    open.pragma('journal_mode = WAL')
    open.exec('CREATE TABLE t (x)')
    chmodSync(db, 0o644)
    chmodSync(`${db}-wal`, 0o644)
    await migrate('--db', db, '--data', ws.data)
    expect([modeOf(db), modeOf(`${db}-wal`)]).toEqual(['600', '600'])
    open.close()
  })
})
