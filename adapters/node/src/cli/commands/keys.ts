import { parseFlags, usageError } from '../args.js'
import { buildServer, type Server } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { print } from '../output.js'
import { requireSqlKeyEncryptionKey, sqlMode } from '../sql-mode.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
} as const

export const keysUsage = `grantline keys create [--json]   (the first OIDC signing key, only when there is none: it signs at once)
grantline keys rotate [--json]   (adds an OIDC signing key: published now, signing after the JWKS max-age)`

/**
 * The first signing key, made as a request would make it: insert-if-absent, so a database that
 * has a key already keeps its keys (and `--sql` output applied to one changes nothing).
 * Answers the key that signs now (OpenID Connect Core §10.1).
 */
async function createFirstKey({ provider, issuer, database }: Server): Promise<{ kid: string; created: boolean }> {
  const before = await database.storage.listSigningKeys()
  // The CLI's own requests, in-process: this machine is the client.
  const local = { clientAddress: '127.0.0.1' }
  const discovery = await provider.handle(new Request(`${issuer}/.well-known/openid-configuration`), local)
  if (!discovery.ok) throw new CliError('keys create needs OpenID Connect on (the config file says "oidc": false)')
  const { jwks_uri } = (await discovery.json()) as { jwks_uri: string }
  await provider.handle(new Request(jwks_uri), local)
  const after = await database.storage.listSigningKeys()
  const key = after.at(-1)
  if (!key) throw new CliError('no signing key was made')
  return { kid: key.kid, created: before.length === 0 }
}

/** Makes or rotates the OpenID Connect signing key (docs/architecture.md "Formats": next -> active -> retired). */
export async function keys(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (action !== 'rotate' && action !== 'create')
    throw usageError(action ? `unknown keys action "${action}"` : 'keys needs an action: create or rotate')
  const { values, positionals } = parseFlags(rest, flags)
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`)
  requireSqlKeyEncryptionKey()
  const server = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  try {
    // A usage mistake (status 2), not an unexpected error.
    if (!server.oidc) throw new CliError(`keys ${action} needs OpenID Connect on (the config file says "oidc": false)`)
    if (action === 'create') {
      const { kid, created } = await createFirstKey(server)
      if (values.json) return print({ kid, created })
      if (sqlMode()) return print(`signing key ${kid}: added, signing at once, where the database has no key yet`)
      return print(created ? `added signing key ${kid}; it signs now` : `there is a signing key already (${kid}); nothing added`)
    }
    const key = await server.provider.rotateSigningKey()
    const activates = new Date(key.activate_at * 1000).toISOString()
    print(values.json ? key : `added signing key ${key.kid}; it is published now and signs from ${activates}`)
  } finally {
    await server.database.close()
  }
}
