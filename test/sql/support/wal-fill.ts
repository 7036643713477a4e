// The WAL checkpointer check of sqliteDriver (Node) and bunSqliteDriver (Bun): shared by
// test/sql/wal-checkpointer.test.ts (vitest) and test/runtimes/bun/wal-checkpointer.test.ts (bun test).
import { statSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SqlDriver } from '@grantline/sql'

/**
 * Commits about 500 pages through `driver` (under SQLite's own automatic checkpoint of 1,000, so
 * only a checkpointer moves them), then waits up to 5 s for the database file at `path` to grow by
 * `bytes` (a checkpoint may be seen half done); answers by how many bytes it grew.
 */
export async function walReachesFile(driver: SqlDriver, path: string, bytes: number): Promise<number> {
  await driver.exec?.('CREATE TABLE scratch (k INTEGER PRIMARY KEY, v TEXT NOT NULL)')
  const before = statSync(path).size
  const insert = driver.prepare('INSERT INTO scratch (k, v) VALUES (?, ?)')
  await Promise.all(Array.from({ length: 2000 }, (_, k) => insert.bind(k, 'x'.repeat(900)).run()))
  let size = before
  for (let tries = 0; tries < 100 && size - before < bytes; tries++) {
    await sleep(50)
    size = statSync(path).size
  }
  return size - before
}
