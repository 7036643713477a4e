/**
 * The first client, user, signing key or registration token of a Grantline server on Deno KV,
 * written straight into its KV database: the create commands of the `grantline` CLI, through the
 * same core APIs (`provider.clients`, `localAccounts().users`, `rotateSigningKey`,
 * `createInitialAccessToken`). Run it where the server's KV is reachable:
 *
 * ```sh
 * deno run --unstable-kv -A jsr:@grantline/deno/admin clients create --name "My app" --kv ./grantline.kv
 * ```
 *
 * @module
 */
import { type ClientInput, ConfigError, createProvider, localAccounts } from '@grantline/core'
import { denoKvAccountStore } from './kv-account-store.ts'
import { denoKvStorage } from './kv-storage.ts'

const USAGE = `usage: (deno run --unstable-kv -A jsr:@grantline/deno/admin) COMMAND --kv PATH_OR_URL [--json]
  clients create --name NAME [--type confidential|public] [--grant-type G]... [--redirect-uri URI]...
                 [--post-logout-redirect-uri URI]... [--scope "a b"] [--skip-consent] [--introspection] [--owner SUB]
  clients rotate-secret CLIENT_ID --grace DURATION   (a new secret, printed once; the old one works for 30m, 12h, 1d...; 0: ends now)
  users create USERNAME [--password P] [--email E] [--name N]   (no --password: one is generated and printed)
  keys rotate [--key-encryption-key K]   (the first key signs at once; a later one a JWKS max-age after it is published)
  registration-tokens create [--expires SECONDS]   (an initial access token, RFC 7591 §3)
--kv defaults to $GRANTLINE_KV; --key-encryption-key to $GRANTLINE_KEY_ENCRYPTION_KEY (the server's oidc.keyEncryptionKey).
Exit status: 0 done, 1 failed, 2 bad arguments. See docs/runtimes.md#deno.`

/** A mistake on the command line (status 2) or a failure (status 1): one line, no stack. */
class AdminError extends Error {
  constructor(
    message: string,
    readonly status: 1 | 2 = 2,
  ) {
    super(message)
  }
}

/** The flags that take no value; every other one takes the next word (or `--flag=value`). */
const SWITCHES = new Set(['json', 'skip-consent', 'introspection'])
const VALUED = new Set([
  'kv',
  'key-encryption-key',
  'name',
  'type',
  'grant-type',
  'redirect-uri',
  'post-logout-redirect-uri',
  'scope',
  'owner',
  'password',
  'email',
  'expires',
  'grace',
])
const REPEATABLE = new Set(['grant-type', 'redirect-uri', 'post-logout-redirect-uri'])

interface Values {
  [flag: string]: string | string[] | boolean | undefined
}

/** Strict flags: an unknown flag or a missing value is a usage error, never a guess. */
function parseFlags(argv: string[]): { values: Values; positionals: string[] } {
  const values: Values = {}
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (!arg.startsWith('--')) {
      positionals.push(arg)
      continue
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s)
    if (SWITCHES.has(name) && inline === undefined) values[name] = true
    else if (VALUED.has(name)) {
      const value = inline ?? argv[++i]
      if (value === undefined) throw new AdminError(`--${name} needs a value`)
      values[name] = REPEATABLE.has(name) ? [...((values[name] as string[] | undefined) ?? []), value] : value
    } else throw new AdminError(`unknown flag --${name}`)
  }
  return { values, positionals }
}

const text = (values: Values, name: string) => values[name] as string | undefined

/** `--redirect-uri a --redirect-uri b` or `--redirect-uri "a b"` (or `a,b`): one list, as the CLI reads it. */
const list = (values: Values, name: string) => (values[name] as string[] | undefined)?.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean)

/** Client metadata (RFC 7591 §2) from the flags; unset ones keep the core's defaults. */
function clientInput(values: Values): ClientInput {
  if (!values.name) throw new AdminError('--name is required')
  const type = text(values, 'type')
  if (type !== undefined && type !== 'confidential' && type !== 'public') throw new AdminError('--type must be confidential or public')
  const fields = {
    client_name: text(values, 'name'),
    client_type: type,
    grant_types: list(values, 'grant-type'),
    redirect_uris: list(values, 'redirect-uri'),
    post_logout_redirect_uris: list(values, 'post-logout-redirect-uri'),
    scope: text(values, 'scope'),
    skip_authorization: values['skip-consent'],
    introspection: values.introspection,
    owner_sub: text(values, 'owner'),
  }
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as ClientInput
}

const randomSecret = (bytes: number) => {
  const raw = crypto.getRandomValues(new Uint8Array(bytes))
  return btoa(String.fromCharCode(...raw))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/** `--grace`: `30m`, `12h`, `1d`, bare seconds or 0, at most 366 days. */
function graceSeconds(values: Values): number {
  const value = text(values, 'grace')
  if (value === undefined) throw new AdminError('clients rotate-secret needs --grace DURATION (such as 1d; 0 ends the old secret now)')
  const found = /^(\d{1,9})([smhd]?)$/.exec(value)
  const seconds = found ? Number(found[1]) * (UNITS[found[2] || 's'] ?? 1) : -1
  if (seconds < 0 || seconds > 366 * 86_400)
    throw new AdminError(`--grace must be a duration such as 30d, 12h or 90m, or 0 (at most 366d), not "${value}"`)
  return seconds
}

/** The provider over the KV database. Only the key-encryption key matters to what is written. */
function open(kv: Deno.Kv, keyEncryptionKey: string | undefined) {
  // No command signs a form or a cookie: a throwaway secret stands in for the server's.
  const secrets = [randomSecret(32)]
  const accounts = localAccounts(denoKvAccountStore(kv), { secrets })
  const provider = createProvider({
    issuer: 'http://127.0.0.1:8080/o',
    storage: denoKvStorage(kv),
    accounts,
    secrets,
    oidc: { keyEncryptionKey: keyEncryptionKey ?? randomSecret(32) },
  })
  return { provider, accounts }
}

async function run(command: string, kv: Deno.Kv, values: Values, positionals: string[]): Promise<Record<string, unknown>> {
  const kek = text(values, 'key-encryption-key') ?? Deno.env.get('GRANTLINE_KEY_ENCRYPTION_KEY')
  if (command === 'keys rotate' && !kek)
    throw new AdminError("keys rotate needs the server's key-encryption key: --key-encryption-key K or GRANTLINE_KEY_ENCRYPTION_KEY")
  const { provider, accounts } = open(kv, kek)
  switch (command) {
    case 'clients create': {
      const { client, client_secret } = await provider.clients.create(clientInput(values))
      return { client_id: client.client_id, client_secret: client_secret ?? null }
    }
    case 'clients rotate-secret': {
      const clientId = positionals[0]
      if (!clientId) throw new AdminError('clients rotate-secret needs a CLIENT_ID')
      const rotated = await provider.clients.rotateSecret(clientId, { graceSeconds: graceSeconds(values) })
      // RFC 7591 §3.2.1: the new secret does not expire; the old one stops at previous_secret_expires_at (null: now).
      return {
        client_id: clientId,
        client_secret: rotated.client_secret,
        client_secret_expires_at: 0,
        previous_secret_expires_at: rotated.previous_secret_expires_at,
      }
    }
    case 'users create': {
      const username = positionals[0]
      if (!username) throw new AdminError('users create needs a USERNAME')
      const password = text(values, 'password') ?? randomSecret(12)
      const claims: Record<string, unknown> = {}
      if (values.email) claims.email = text(values, 'email')
      if (values.name) claims.name = text(values, 'name')
      const user = await accounts.users.create({ username, password, claims })
      return { sub: user.sub, username: user.username, ...(values.password === undefined ? { password } : {}) }
    }
    case 'keys rotate':
      return { ...(await provider.rotateSigningKey()) }
    default: {
      const expires = text(values, 'expires')
      if (expires !== undefined && !/^\d{1,8}$/.test(expires)) throw new AdminError('--expires must be a number of seconds')
      const { token, expires_at } = await provider.createInitialAccessToken(expires === undefined ? {} : { expiresIn: Number(expires) })
      return { initial_access_token: token, expires_at }
    }
  }
}

const COMMANDS = ['clients create', 'clients rotate-secret', 'users create', 'keys rotate', 'registration-tokens create']

/** Runs one command; answers the exit status. The result goes to stdout (JSON with `--json`). */
export async function admin(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseFlags>
  try {
    parsed = parseFlags(argv)
  } catch (error) {
    console.error(`grantline admin: ${(error as Error).message}\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  const command = positionals.slice(0, 2).join(' ')
  if (!COMMANDS.includes(command)) {
    console.error(positionals.length ? `grantline admin: unknown command "${command}"\n${USAGE}` : USAGE)
    return 2
  }
  const path = text(values, 'kv') ?? Deno.env.get('GRANTLINE_KV')
  if (!path) {
    console.error('grantline admin: --kv PATH_OR_URL (or GRANTLINE_KV) is required: the KV database the server opens')
    return 2
  }
  const kv = await Deno.openKv(path)
  try {
    const result = await run(command, kv, values, positionals.slice(2))
    const text = Object.entries(result).map(([name, value]) => `${name}: ${value}`)
    console.log(values.json ? JSON.stringify(result, null, 2) : text.join('\n'))
    return 0
  } catch (error) {
    const status = error instanceof AdminError ? error.status : error instanceof ConfigError ? 2 : 1
    console.error(`grantline admin: ${error instanceof Error ? error.message : String(error)}`)
    return status
  } finally {
    kv.close()
  }
}

if (import.meta.main) Deno.exit(await admin(Deno.args))
