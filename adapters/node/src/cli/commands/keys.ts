import { parseFlags, usageError } from '../args.js'
import { buildServer } from '../build-provider.js'
import { print } from '../output.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
} as const

export const keysUsage = 'grantline keys rotate [--json]   (adds an OIDC signing key: published now, signing after the JWKS max-age)'

/** Rotates the OpenID Connect signing key (docs/architecture.md "Formats": next -> active -> retired). */
export async function keys(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (action !== 'rotate') throw usageError(action ? `unknown keys action "${action}"` : 'keys needs an action: rotate')
  const { values, positionals } = parseFlags(rest, flags)
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  const { provider, database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  try {
    const key = await provider.rotateSigningKey()
    const activates = new Date(key.activate_at * 1000).toISOString()
    print(values.json ? key : `added signing key ${key.kid}; it is published now and signs from ${activates}`)
  } finally {
    await database.close()
  }
}
