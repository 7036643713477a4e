import { CliError } from './cli-error.js'

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/**
 * `30d`, `12h`, `90m` or `3600s` (or bare seconds) as seconds, from `min` up to a year; anything
 * else is a one-line CliError naming `flag`.
 */
export function parseDuration(value: string, flag: string, min: 0 | 1 = 1): number {
  const found = /^(\d{1,9})([smhd]?)$/.exec(value)
  const seconds = found ? Number(found[1]) * (UNITS[found[2] || 's'] ?? 1) : -1
  if (seconds < min || seconds > 366 * 86_400) {
    const zero = min === 0 ? ', or 0' : ''
    throw new CliError(`--${flag} must be a duration such as 30d, 12h or 90m${zero} (at most 366d), not "${value}"`)
  }
  return seconds
}
