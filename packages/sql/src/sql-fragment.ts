import type { SqlDriver, SqlStatement, SqlValue } from './driver.js'

/**
 * A piece of SQL text with the values of its `?` placeholders, in order. Fragments compose, so a
 * condition used in several statements is written once and its parameters can never drift out
 * of step with its placeholders.
 */
export class SqlFragment {
  constructor(
    readonly text: string,
    readonly values: readonly SqlValue[],
  ) {}
}

/**
 * Tagged template: each `${value}` becomes a `?` placeholder bound to that value, and each
 * `${fragment}` is spliced in with its own values. Table and column names go in with `raw()`.
 */
export function sql(strings: TemplateStringsArray, ...parts: (SqlValue | SqlFragment)[]): SqlFragment {
  let text = strings[0] ?? ''
  const values: SqlValue[] = []
  parts.forEach((part, i) => {
    if (part instanceof SqlFragment) {
      text += part.text
      values.push(...part.values)
    } else {
      text += '?'
      values.push(part)
    }
    text += strings[i + 1] ?? ''
  })
  return new SqlFragment(text, values)
}

/** Trusted SQL text (identifiers, keyword lists) with no placeholders. Never user input. */
export function raw(text: string): SqlFragment {
  return new SqlFragment(text, [])
}

/** Fragments joined by `separator`, values kept in order. */
export function joinSql(fragments: SqlFragment[], separator: string): SqlFragment {
  return new SqlFragment(
    fragments.map((f) => f.text).join(separator),
    fragments.flatMap((f) => f.values),
  )
}

/** The fragment as a bound statement of `driver`. */
export function statement(driver: SqlDriver, fragment: SqlFragment): SqlStatement {
  const prepared = driver.prepare(fragment.text)
  return fragment.values.length === 0 ? prepared : prepared.bind(...fragment.values)
}
