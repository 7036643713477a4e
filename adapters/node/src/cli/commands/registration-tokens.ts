import { ConfigError } from '@grantline/core'
import { parseFlags, usageError } from '../args.js'
import { buildServer } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { parseDuration } from '../duration.js'
import { print } from '../output.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  expires: { type: 'string' },
} as const

export const registrationTokensUsage =
  'grantline registration-tokens create [--expires 7d] [--json]   (an initial access token: registers one client, RFC 7591 §3)'

/**
 * Makes an initial access token for `registration.policy: 'token'` (RFC 7591 §3). It is printed
 * once and stored as its SHA-256; it registers one client (single-use), or expires unused.
 */
export async function registrationTokens(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (action !== 'create')
    throw usageError(action ? `unknown registration-tokens action "${action}"` : 'registration-tokens needs an action: create')
  const { values, positionals } = parseFlags(rest, flags)
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  const expiresIn = values.expires === undefined ? undefined : parseDuration(values.expires, 'expires')
  const { provider, database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  try {
    const { token, expires_at } = await provider.createInitialAccessToken(expiresIn === undefined ? {} : { expiresIn })
    if (values.json) return print({ initial_access_token: token, expires_at })
    print(`initial_access_token: ${token}\nexpires:              ${new Date(expires_at * 1000).toISOString()}`)
    print('It is shown once and registers one client: send it as "Authorization: Bearer <token>" to the registration endpoint.')
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message)
    throw error
  } finally {
    await database.close()
  }
}
