import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CliError } from './cli-error.js'

type Options = NonNullable<ParseArgsConfig['options']>
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>

/** Parses flags strictly: an unknown flag or a missing value is a CliError, not a stack trace. */
export function parseFlags<T extends Options>(argv: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new CliError((error as Error).message)
  }
}

export function requireFlag(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new CliError(`--${name} is required`)
  return value
}

/** `--redirect-uri a --redirect-uri b` or `--redirect-uris "a b"`: one list. */
export function list(...values: (string | string[] | undefined)[]): string[] | undefined {
  const flat = values.flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  if (flat.length === 0) return undefined
  return flat.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)
}

export function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new CliError(`--${name} must be a whole number`)
  return Number(value)
}
