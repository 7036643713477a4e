import { sqlStorage } from '@grantline/sql'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { recording } from './support/recording-driver.js'
import { sqliteFiles } from './support/sqlite.js'

const files = sqliteFiles()

describe('revokeSubject (deleting a user) on SQLite', () => {
  it("RFC 9700 §4.14: a user's consents and families are found through an index (families_sub), not a table scan", async () => {
    const { driver, path } = await files.fresh()
    const seen: string[] = []
    await sqlStorage(recording(driver, seen), { dialect: 'sqlite' }).revokeSubject('alice', 1_700_000_000)
    const updates = seen.filter((sql) => /^\s*UPDATE/i.test(sql))
    expect(updates).toHaveLength(2)
    const db = new Database(path, { readonly: true })
    try {
      for (const sql of updates) {
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(1_700_000_000, 'alice')
          .map((row) => (row as { detail: string }).detail)
        expect(
          plan.filter((step) => /^SCAN /.test(step)),
          `${sql}\n${plan.join('\n')}`,
        ).toEqual([])
        expect(plan.join('\n'), sql).toMatch(/USING INDEX (families_sub|consents_sub_client)/)
      }
    } finally {
      db.close()
    }
  })
})
