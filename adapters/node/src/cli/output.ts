/** Prints a line of text, or a value as JSON (for `--json`). */
export function print(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`)
}
