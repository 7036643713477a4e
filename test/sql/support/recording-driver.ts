import type { SqlDriver, SqlStatement } from '@grantline/sql'

/** A driver that records the SQL text of every statement it prepares (for query-plan checks). */
export function recording(driver: SqlDriver, seen: string[]): SqlDriver {
  return {
    ...driver,
    prepare(sql: string): SqlStatement {
      seen.push(sql)
      return driver.prepare(sql)
    },
  }
}
