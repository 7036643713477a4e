import { readFileSync } from 'node:fs'
import { ConfigError, createProvider, localAccounts, type Provider, type ProviderConfig } from '@grantline/core'
import { clientAddress } from '../client-address.js'
import { safeFetch } from '../safe-fetch.js'
import { CliError } from './cli-error.js'
import { loadSecrets } from './data-dir.js'
import { type Database, openDatabase } from './open-database.js'
import { openCaptureDatabase, sqlMode, sqlModeAccountOptions, sqlModeSecrets } from './sql-mode.js'

export interface ServerFlags {
  issuer?: string | undefined
  db?: string | undefined
  config?: string | undefined
  data?: string | undefined
  /** `--resource URI`, repeatable: RFC 8707 resources added to the config file's list. */
  resource?: string[] | undefined
  /** `--registration open|token`: RFC 7591 registration on, with this policy over the config file's. */
  registration?: string | undefined
}

export interface Server {
  provider: Provider
  accounts: ReturnType<typeof localAccounts>
  database: Database
  /** The issuer identifier the provider was built with (RFC 8414 §2). */
  issuer: string
  /** Whether OpenID Connect is on (the default; `"oidc": false` in the config file turns it off). */
  oidc: boolean
}

/**
 * The provider options a `--config` file may hold: the plain-data ones (docs/configuration.md).
 * Storage, accounts and secrets are the CLI's to build; functions cannot be written in JSON.
 */
const FILE_OPTIONS = new Set([
  'issuer',
  'basePath',
  'scopes',
  'defaultScopes',
  'ttl',
  'rotateRefreshTokens',
  'refreshGraceSeconds',
  'pkce',
  'grantTypes',
  'allowLocalhostLoopback',
  'approvalPrompt',
  'managementPages',
  'oidc',
  'clientIdMetadataDocuments',
  'resources',
  'registration',
  'par',
  'dpop',
  'profile',
])

/** Provider options from a `--config` JSON file; an unknown key is refused, as createProvider refuses one. */
export function readConfigFile(file: string | undefined): Partial<ProviderConfig> {
  if (!file) return {}
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new CliError(`cannot read the config file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new CliError(`the config file ${file} is not valid JSON`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliError(`the config file ${file} is not a JSON object`)
  const unknown = Object.keys(parsed).find((key) => !FILE_OPTIONS.has(key))
  if (unknown !== undefined) throw new CliError(`the config file ${file} has an unknown option "${unknown}" (see docs/configuration.md)`)
  const { oidc } = parsed as { oidc?: unknown }
  if (oidc !== undefined && oidc !== false && (typeof oidc !== 'object' || oidc === null || Array.isArray(oidc))) {
    throw new CliError(`the config file ${file}: "oidc" must be an object of OpenID Connect options, or false to turn it off`)
  }
  if (oidc && 'keyEncryptionKey' in oidc) {
    throw new CliError(
      `the config file ${file}: oidc.keyEncryptionKey comes from the data folder or GRANTLINE_KEY_ENCRYPTION_KEY, never a config file`,
    )
  }
  return parsed as Partial<ProviderConfig>
}

/** Unexpected exceptions: the client got a generic server_error; the operator gets the stack, and only the path. */
function reportError(error: unknown, request: Request): void {
  const where = `${request.method} ${new URL(request.url).pathname}`
  process.stderr.write(
    `grantline: unexpected error on ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
}

/** `--resource` URIs join the config file's `resources` list; with `"resources": "any"` they add nothing. */
function withFlagResources(fromFile: ProviderConfig['resources'], flagged: string[] | undefined): ProviderConfig['resources'] {
  if (!flagged?.length || fromFile === 'any') return fromFile
  return [...(fromFile ?? []), ...flagged.map((uri) => ({ uri }))]
}

/** Builds the standalone server: SQL storage, local accounts and secrets from the data folder. */
export async function buildServer(flags: ServerFlags, defaults: { issuer: string }): Promise<Server> {
  const dataDir = flags.data ?? 'data'
  const fileConfig = readConfigFile(flags.config)
  // With --sql nothing is opened: the writes are recorded as SQL for a D1 database.
  const { secrets, keyEncryptionKey } = sqlMode() ? sqlModeSecrets() : loadSecrets(dataDir)
  const database = sqlMode()
    ? await openCaptureDatabase()
    : await openDatabase(flags.db ?? process.env.GRANTLINE_DB ?? `${dataDir}/grantline.sqlite`)
  try {
    const issuer = flags.issuer ?? fileConfig.issuer ?? defaults.issuer
    // Behind a TLS-terminating proxy the requests arrive as http: an https issuer says the
    // browser's side is https, so the session and CSRF cookies must be Secure regardless.
    const secureCookies = typeof issuer === 'string' && issuer.startsWith('https:') ? true : undefined
    const accounts = localAccounts(database.accountStore, {
      secrets,
      ...(secureCookies ? { secureCookies } : {}),
      ...(sqlMode() ? sqlModeAccountOptions : {}),
    })
    const { oidc, ...options } = fileConfig
    const resources = withFlagResources(options.resources, flags.resource)
    const registration = flags.registration
      ? { ...options.registration, policy: flags.registration as 'open' | 'token' }
      : options.registration
    const provider = createProvider({
      ...options,
      ...(resources === undefined ? {} : { resources }),
      ...(registration === undefined ? {} : { registration }),
      issuer,
      storage: database.storage,
      accounts,
      secrets,
      // OpenID Connect is on unless the config file says `"oidc": false`; the key that encrypts
      // the signing keys comes from the data folder or the environment, never from the file.
      ...((oidc as unknown) === false ? {} : { oidc: { ...oidc, keyEncryptionKey } }),
      onError: reportError,
      // Client ID Metadata Documents are fetched on a client's say-so: never from a name that
      // resolves to a private, loopback or link-local address (server-side request forgery).
      fetch: safeFetch(),
      // Rate limits and the login lockout count per client address: the TCP peer, which serve()
      // passes the core, or behind a reverse proxy (GRANTLINE_TRUST_PROXY=1) the address the proxy appended.
      ...(process.env.GRANTLINE_TRUST_PROXY === '1'
        ? { clientAddress: (request: Request) => clientAddress(request, { trustProxy: true }) }
        : {}),
    })
    return { provider, accounts, database, issuer, oidc: (oidc as unknown) !== false }
  } catch (error) {
    await database.close()
    if (error instanceof ConfigError) throw new CliError(`invalid configuration: ${error.message}`)
    throw error
  }
}
