import { sqlMode } from './sql-mode.js'

/**
 * Prints a line of text, or a value as JSON (for `--json`). With `--sql` it goes to stderr:
 * stdout carries the SQL alone, so it can be redirected into a file for `wrangler d1 execute`.
 */
export function print(value: unknown): void {
  const out = sqlMode() ? process.stderr : process.stdout
  out.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`)
}
