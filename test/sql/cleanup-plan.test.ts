import type { SqlDriver, SqlStatement } from '@grantline/sql'
import { sqlStorage } from '@grantline/sql'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { sqliteFiles } from './support/sqlite.js'

const files = sqliteFiles()

/** A driver that records the SQL text of every statement it prepares. */
function recording(driver: SqlDriver, seen: string[]): SqlDriver {
  return {
    ...driver,
    prepare(sql: string): SqlStatement {
      seen.push(sql)
      return driver.prepare(sql)
    },
  }
}

describe('cleanup (DOT cleartokens) under the write lock', () => {
  it('every sweep finds its rows through an index: no batch scans a whole table of live rows', async () => {
    const { driver, path } = await files.fresh()
    const seen: string[] = []
    await sqlStorage(recording(driver, seen), { dialect: 'sqlite' }).cleanup(1_700_000_000, 100)
    const deletes = seen.filter((sql) => /^\s*DELETE/i.test(sql))
    expect(deletes.length).toBeGreaterThanOrEqual(10)
    const db = new Database(path, { readonly: true })
    try {
      for (const sql of deletes) {
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...Array.from(sql.matchAll(/\?/g), () => 1))
          .map((row) => (row as { detail: string }).detail)
        expect(
          plan.filter((step) => /^SCAN /.test(step)),
          `${sql}\n${plan.join('\n')}`,
        ).toEqual([])
      }
    } finally {
      db.close()
    }
  })
})
