import type { SqlDriver } from './driver.js'
import { decode, type Row, type Shape } from './shapes.js'
import { type SqlFragment, statement } from './sql-fragment.js'

/** The first row of `fragment` as a fresh record, or null. */
export async function queryOne<T>(driver: SqlDriver, fragment: SqlFragment, shape: Shape<T>): Promise<T | null> {
  const row = await statement(driver, fragment).first<Row>()
  return row ? decode(shape, row) : null
}

/** Every row of `fragment` as fresh records. */
export async function queryAll<T>(driver: SqlDriver, fragment: SqlFragment, shape: Shape<T>): Promise<T[]> {
  const { results } = await statement(driver, fragment).all<Row>()
  return results.map((row) => decode(shape, row))
}

/** Runs one statement; answers how many rows it changed. */
export async function execute(driver: SqlDriver, fragment: SqlFragment): Promise<number> {
  const { meta } = await statement(driver, fragment).run()
  return meta.changes
}

/** Runs the statements as one transaction (one D1 batch); answers each one's changed rows. */
export async function executeBatch(driver: SqlDriver, fragments: SqlFragment[]): Promise<number[]> {
  const results = await driver.batch(fragments.map((fragment) => statement(driver, fragment)))
  return results.map((result) => result.meta.changes)
}
