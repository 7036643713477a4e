import { readFileSync } from 'node:fs'
import { type Client, type ClientInput, type ClientsApi, ConfigError } from '@grantline/core'
import { list, parseFlags, requireFlag, usageError } from '../args.js'
import { buildServer } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { parseDuration } from '../duration.js'
import { print } from '../output.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  type: { type: 'string' },
  'grant-type': { type: 'string', multiple: true },
  'response-type': { type: 'string', multiple: true },
  'auth-method': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  'no-post-logout-redirect-uris': { type: 'boolean' },
  'cors-origin': { type: 'string', multiple: true },
  'no-cors-origins': { type: 'boolean' },
  scope: { type: 'string' },
  'skip-consent': { type: 'boolean' },
  'no-skip-consent': { type: 'boolean' },
  introspection: { type: 'boolean' },
  'no-introspection': { type: 'boolean' },
  owner: { type: 'string' },
  'require-par': { type: 'boolean' },
  'no-require-par': { type: 'boolean' },
  'dpop-bound': { type: 'boolean' },
  'no-dpop-bound': { type: 'boolean' },
  'both-secret-methods': { type: 'boolean' },
  'no-both-secret-methods': { type: 'boolean' },
  'jwks-uri': { type: 'string' },
  'jwks-file': { type: 'string' },
  'no-jwks': { type: 'boolean' },
  grace: { type: 'string' },
} as const

export const clientsUsage = `grantline clients create --name NAME [--type confidential|public] [--grant-type G (device_code: RFC 8628's URN)]... [--response-type "code id_token"]...
                        [--auth-method client_secret_basic|client_secret_post|none|private_key_jwt]
                        [--jwks-uri URL | --jwks-file PATH] [--redirect-uri URI]...
                        [--post-logout-redirect-uri URI]... [--cors-origin ORIGIN]... [--scope "a b"] [--skip-consent]
                        [--introspection] [--require-par] [--dpop-bound] [--owner SUB] [--json]
                        [--both-secret-methods] (the secret by HTTP Basic or in the body, as DOT took it)
grantline clients list [--json]
grantline clients show CLIENT_ID [--json]
grantline clients update CLIENT_ID [same flags as create; a list flag replaces the list, '' empties it;
                        --no-skip-consent, --no-introspection, --no-require-par, --no-dpop-bound, --no-both-secret-methods, --no-cors-origins, --no-post-logout-redirect-uris,
                        --no-jwks (a client leaving private_key_jwt gets a new secret, shown once),
                        --owner '']
grantline clients rotate-secret CLIENT_ID --grace 1d [--json]   (a new secret, shown once; the old one works for the grace
                        period, such as 30m, 12h or 1d; --grace 0 ends it at once)
grantline clients delete CLIENT_ID [--json]`

const ACTIONS = ['create', 'list', 'show', 'update', 'rotate-secret', 'delete']

type Values = ReturnType<typeof parseFlags<typeof flags>>['values']

/** `--flag` on, `--no-flag` off, neither unchanged; both is a mistake. */
function toggle(on: boolean | undefined, off: boolean | undefined, name: string): boolean | undefined {
  if (on && off) throw new CliError(`--${name} and --no-${name} contradict each other`)
  return on ? true : off ? false : undefined
}

/** A list flag, or [] when its `--no-...` flag empties it; both is a mistake. */
function listOrNone(values: string[] | undefined, none: boolean | undefined, flag: string, noFlag: string): string[] | undefined {
  if (none && values !== undefined) throw new CliError(`--${flag} and --${noFlag} contradict each other`)
  return none ? [] : list(values)
}

/** Short names for grant types whose registered name is a URN (RFC 8628 §3.4). */
const GRANT_ALIASES: Record<string, string> = { device_code: 'urn:ietf:params:oauth:grant-type:device_code' }

/** Response types have spaces inside (`code id_token`): one per flag, or comma-separated. */
const responseTypes = (values: string[] | undefined) =>
  values
    ?.flatMap((value) => value.split(','))
    .map((value) => value.trim().split(/\s+/).join(' '))
    .filter(Boolean)

/** A JWK Set (RFC 7517 §5) from a file; a file holding one JWK is taken as a set of one. */
function readJwks(path: string): ClientInput['jwks'] {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CliError(`--jwks-file ${path}: ${error instanceof SyntaxError ? 'not JSON' : 'cannot be read'}`)
  }
  if (typeof parsed === 'object' && parsed !== null && 'kty' in parsed) return { keys: [parsed as Record<string, unknown>] }
  return parsed as ClientInput['jwks']
}

/**
 * The client's public keys (RFC 7591 §2 jwks or jwks_uri, for private_key_jwt and request
 * objects): one replaces the other; --no-jwks removes both.
 */
function keys(values: Values): Pick<ClientInput, 'jwks' | 'jwks_uri'> {
  const given = [values['jwks-uri'] !== undefined, values['jwks-file'] !== undefined, values['no-jwks'] === true].filter(Boolean)
  if (given.length > 1) throw new CliError('--jwks-uri, --jwks-file and --no-jwks contradict each other')
  if (values['no-jwks']) return { jwks: null, jwks_uri: null }
  if (values['jwks-uri'] !== undefined) return { jwks: null, jwks_uri: values['jwks-uri'] }
  if (values['jwks-file'] !== undefined) return { jwks: readJwks(values['jwks-file']), jwks_uri: null }
  return {}
}

function metadata(values: Values): Partial<ClientInput> {
  const type = values.type
  if (type !== undefined && type !== 'confidential' && type !== 'public') throw new CliError('--type must be confidential or public')
  const fields: Partial<ClientInput> = {
    client_name: values.name,
    client_type: type,
    token_endpoint_auth_method: values['auth-method'],
    grant_types: list(values['grant-type'])?.map((grant) => GRANT_ALIASES[grant] ?? grant),
    response_types: responseTypes(values['response-type']),
    redirect_uris: list(values['redirect-uri']),
    post_logout_redirect_uris: listOrNone(
      values['post-logout-redirect-uri'],
      values['no-post-logout-redirect-uris'],
      'post-logout-redirect-uri',
      'no-post-logout-redirect-uris',
    ),
    allowed_cors_origins: listOrNone(values['cors-origin'], values['no-cors-origins'], 'cors-origin', 'no-cors-origins'),
    scope: values.scope,
    skip_authorization: toggle(values['skip-consent'], values['no-skip-consent'], 'skip-consent'),
    introspection: toggle(values.introspection, values['no-introspection'], 'introspection'),
    // RFC 9126 §6: only pushed authorization requests from this client.
    require_pushed_authorization_requests: toggle(values['require-par'], values['no-require-par'], 'require-par'),
    // RFC 9449 §5.2: only DPoP-bound tokens for this client.
    dpop_bound_access_tokens: toggle(values['dpop-bound'], values['no-dpop-bound'], 'dpop-bound'),
    // RFC 6749 §2.3.1: the secret in a Basic header or in the body, as DOT took it (set by import-dot).
    secret_methods: bothSecretMethods(values),
    // `--owner ''`: no owner any more.
    owner_sub: values.owner === '' ? null : values.owner,
    ...keys(values),
  }
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
}

/** `--both-secret-methods` lists both ways of sending a secret, `--no-both-secret-methods` none besides the auth method. */
function bothSecretMethods(values: Values): ClientInput['secret_methods'] {
  const on = toggle(values['both-secret-methods'], values['no-both-secret-methods'], 'both-secret-methods')
  if (on === undefined) return undefined
  return on ? ['client_secret_basic', 'client_secret_post'] : null
}

/** How the client's secret may be sent: its auth method, or both ways when its secret_methods say so. */
function secretSent(client: Client): string {
  const extra = (client.metadata.secret_methods ?? []).filter((method) => method !== client.token_endpoint_auth_method)
  return extra.length ? `${[client.token_endpoint_auth_method, ...extra].join(' or ')} (secret_methods)` : client.token_endpoint_auth_method
}

function describe(client: Client): string {
  return [
    `client_id:     ${client.client_id}`,
    `name:          ${client.client_name}`,
    `type:          ${client.client_type} (${secretSent(client)})`,
    `grant types:   ${client.grant_types.join(' ')}`,
    `responses:     ${client.response_types.join(', ') || '-'}`,
    `redirect URIs: ${client.redirect_uris.join(' ') || '-'}`,
    `post-logout:   ${client.post_logout_redirect_uris.join(' ') || '-'}`,
    `CORS origins:  ${client.allowed_cors_origins.join(' ') || '-'}`,
    `scope:         ${client.scope || '(every scope)'}`,
    `skip consent:  ${client.skip_authorization ? 'yes' : 'no'}`,
    `introspection: ${client.introspection ? 'yes' : 'no'}`,
    `require PAR:   ${client.metadata.require_pushed_authorization_requests ? 'yes' : 'no'}`,
    `DPoP-bound:    ${client.metadata.dpop_bound_access_tokens ? 'yes' : 'no'}`,
    `keys:          ${clientKeys(client)}`,
    `registered:    ${client.dynamic ? 'by itself (RFC 7591): unverified' : 'by the operator'}`,
    ...oldSecret(client),
  ].join('\n')
}

/** Where the client's public keys are: its jwks_uri, or the kids of its jwks. */
function clientKeys(client: Client): string {
  const { jwks, jwks_uri } = client.metadata
  if (jwks_uri) return jwks_uri
  if (!jwks) return '-'
  return `${jwks.keys.length} in jwks (${jwks.keys.map((key) => (typeof key.kid === 'string' ? key.kid : 'no kid')).join(', ')})`
}

const isoTime = (seconds: number) => new Date(seconds * 1000).toISOString()

/** The line about a rotated-out secret still in its overlap, if there is one. */
function oldSecret(client: Client): string[] {
  const until = client.previous_secret_expires_at
  return until !== null && until > Date.now() / 1000 ? [`old secret:    valid until ${isoTime(until)}`] : []
}

/** The public view of a client: never the secrets' or the registration access token's hash. */
const publicFields = ({ secret_hash, previous_secret_hash, registration_token_hash, ...client }: Client) => client

export async function clients(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (!ACTIONS.includes(action ?? ''))
    throw usageError(
      action ? `unknown clients action "${action}"` : 'clients needs an action: create, list, show, update, rotate-secret or delete',
    )
  const { values, positionals } = parseFlags(rest, flags)
  const id = positionals[0]
  const needsId = action === 'show' || action === 'update' || action === 'rotate-secret' || action === 'delete'
  if (needsId && !id) throw usageError(`clients ${action} needs a CLIENT_ID`)
  if (positionals.length > (needsId ? 1 : 0)) throw usageError(`unexpected argument "${positionals.at(-1)}"`)
  if (action === 'create') requireFlag(values.name, 'name')
  if (action === 'rotate-secret') requireFlag(values.grace, 'grace')
  if (values.grace !== undefined && action !== 'rotate-secret') throw usageError('--grace is for clients rotate-secret')
  const graceSeconds = values.grace === undefined ? 0 : parseDuration(values.grace, 'grace', 0)
  // Checked before the database opens: a typo never touches it.
  const fields = metadata(values)
  const { provider, database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  try {
    const api = provider.clients
    if (action === 'create') {
      const { client, client_secret } = await api.create(fields as ClientInput)
      if (values.json) return print({ client_id: client.client_id, client_secret: client_secret ?? null })
      const none = client.client_type === 'public' ? '(public client: none)' : '(none: the client signs with its key)'
      print(`${describe(client)}\nclient_secret: ${client_secret ?? none}`)
      if (client_secret) print('The secret is shown once; store it now.')
    } else if (action === 'list') {
      const all = await api.list()
      if (values.json) return print(all.map(publicFields))
      const line = (c: Client) =>
        `${c.client_id}  ${c.client_type.padEnd(12)}  ${(c.dynamic ? 'dynamic' : 'operator').padEnd(8)}  ${c.client_name}`
      print(all.length ? all.map(line).join('\n') : 'no clients')
    } else {
      const client = await api.get(id as string)
      if (!client) throw new CliError(`no client "${id}"`)
      if (action === 'show') return print(values.json ? publicFields(client) : describe(client))
      if (action === 'update') {
        const updated = await api.update(client.client_id, fields)
        // Leaving private_key_jwt for a secret method: the client had no secret, so it gets one now.
        const needsSecret =
          updated.client_type === 'confidential' && updated.secret_hash === null && updated.token_endpoint_auth_method !== 'private_key_jwt'
        const client_secret = needsSecret ? await api.resetSecret(updated.client_id) : undefined
        if (values.json) return print(client_secret ? { ...publicFields(updated), client_secret } : publicFields(updated))
        print(describe(updated))
        if (client_secret) print(`client_secret: ${client_secret}\nThe secret is shown once; store it now.`)
        return
      }
      if (action === 'rotate-secret') return print(await rotateSecret(api, client, graceSeconds, values.json === true))
      await api.delete(client.client_id)
      print(values.json ? { deleted: client.client_id } : `deleted ${client.client_id}`)
    }
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message)
    throw error
  } finally {
    await database.close()
  }
}

/**
 * A new secret, printed once, and the old one's expiry: RFC 7591 §3.2.1 `client_secret_expires_at`
 * is 0 for the new one (it does not expire) and `previous_secret_expires_at` says until when the
 * old one still authenticates (null: it already stopped).
 */
async function rotateSecret(api: ClientsApi, client: Client, graceSeconds: number, json: boolean): Promise<string | object> {
  const { client_secret, previous_secret_expires_at } = await api.rotateSecret(client.client_id, { graceSeconds })
  if (json) return { client_id: client.client_id, client_secret, client_secret_expires_at: 0, previous_secret_expires_at }
  const old = previous_secret_expires_at === null ? 'stopped working now' : `works until ${isoTime(previous_secret_expires_at)}`
  return `client_id:     ${client.client_id}\nclient_secret: ${client_secret}\nThe secret is shown once; store it now. The old secret ${old}.`
}
