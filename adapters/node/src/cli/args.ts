import { type ParseArgsConfig, parseArgs } from 'node:util'
import { CliError } from './cli-error.js'

type Options = NonNullable<ParseArgsConfig['options']>
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>

/** The first line of node's parseArgs message, reworded where it is long-winded. */
function flagMessage(error: Error & { code?: string }): string {
  const option = /'(--?[^' ]+)/.exec(error.message)?.[1]
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown flag ${option}`
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /does not take/.test(error.message) ? `${option} does not take a value` : `${option} needs a value`
  }
  return error.message.split('\n')[0] ?? error.message
}

/**
 * Parses flags strictly: an unknown flag or a missing value is a CliError, not a stack trace.
 * No command has a one-dash flag, so a word with one leading dash is a value: a client_id or a
 * password may begin with `-`, and parseArgs alone would read `-P6q...` as short options.
 */
export function parseFlags<T extends Options>(argv: string[], options: T): Parsed<T> {
  const dashed: string[] = []
  const masked = argv.map((arg) => (/^-[^-]/.test(arg) ? `\0${dashed.push(arg) - 1}` : arg))
  const unmask = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(unmask) : typeof value === 'string' && value.startsWith('\0') ? dashed[Number(value.slice(1))] : value
  let parsed: Parsed<T>
  try {
    parsed = parseArgs({ args: masked, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new CliError(flagMessage(error as Error))
  }
  const values = Object.fromEntries(Object.entries(parsed.values).map(([name, value]) => [name, unmask(value)]))
  return { ...parsed, values, positionals: parsed.positionals.map((p) => unmask(p) as string) } as Parsed<T>
}

/** A usage mistake: one line, pointing at the help. */
export function usageError(message: string): CliError {
  return new CliError(`${message} (run "grantline --help" for usage)`)
}

export function requireFlag(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new CliError(`--${name} is required`)
  return value
}

/** `--redirect-uri a --redirect-uri b` or `--redirect-uri "a b"` (or `a,b`): one list. */
export function list(...values: (string | string[] | undefined)[]): string[] | undefined {
  const flat = values.flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  if (flat.length === 0) return undefined
  return flat.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)
}

export function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new CliError(`--${name} must be a whole number, not "${value}"`)
  return Number(value)
}
