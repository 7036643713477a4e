import { type Client, type ClientInput, ConfigError } from '@grantline/core'
import { list, parseFlags, requireFlag, usageError } from '../args.js'
import { buildServer } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { print } from '../output.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  type: { type: 'string' },
  'grant-type': { type: 'string', multiple: true },
  'redirect-uri': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  scope: { type: 'string' },
  'skip-consent': { type: 'boolean' },
  introspection: { type: 'boolean' },
  owner: { type: 'string' },
} as const

export const clientsUsage = `grantline clients create --name NAME [--type confidential|public] [--grant-type G]... [--redirect-uri URI]...
                        [--post-logout-redirect-uri URI]... [--scope "a b"] [--skip-consent] [--introspection] [--owner SUB] [--json]
grantline clients list [--json]
grantline clients show CLIENT_ID [--json]
grantline clients update CLIENT_ID [same flags as create]
grantline clients delete CLIENT_ID [--json]`

const ACTIONS = ['create', 'list', 'show', 'update', 'delete']

type Values = ReturnType<typeof parseFlags<typeof flags>>['values']

function metadata(values: Values): Partial<ClientInput> {
  const type = values.type
  if (type !== undefined && type !== 'confidential' && type !== 'public') throw new CliError('--type must be confidential or public')
  const fields: Partial<ClientInput> = {
    client_name: values.name,
    client_type: type,
    grant_types: list(values['grant-type']),
    redirect_uris: list(values['redirect-uri']),
    post_logout_redirect_uris: list(values['post-logout-redirect-uri']),
    scope: values.scope,
    skip_authorization: values['skip-consent'],
    introspection: values.introspection,
    owner_sub: values.owner,
  }
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
}

function describe(client: Client): string {
  return [
    `client_id:     ${client.client_id}`,
    `name:          ${client.client_name}`,
    `type:          ${client.client_type} (${client.token_endpoint_auth_method})`,
    `grant types:   ${client.grant_types.join(' ')}`,
    `redirect URIs: ${client.redirect_uris.join(' ') || '-'}`,
    `scope:         ${client.scope || '(every scope)'}`,
    `skip consent:  ${client.skip_authorization ? 'yes' : 'no'}`,
    `registered:    ${client.dynamic ? 'by itself (RFC 7591): unverified' : 'by the operator'}`,
  ].join('\n')
}

/** The public view of a client: never the secret's or the registration access token's hash. */
const publicFields = ({ secret_hash, registration_token_hash, ...client }: Client) => client

export async function clients(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (!ACTIONS.includes(action ?? ''))
    throw usageError(action ? `unknown clients action "${action}"` : 'clients needs an action: create, list, show, update or delete')
  const { values, positionals } = parseFlags(rest, flags)
  const id = positionals[0]
  const needsId = action === 'show' || action === 'update' || action === 'delete'
  if (needsId && !id) throw usageError(`clients ${action} needs a CLIENT_ID`)
  if (positionals.length > (needsId ? 1 : 0)) throw usageError(`unexpected argument "${positionals.at(-1)}"`)
  if (action === 'create') requireFlag(values.name, 'name')
  // Checked before the database opens: a typo never touches it.
  const fields = metadata(values)
  const { provider, database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  try {
    const api = provider.clients
    if (action === 'create') {
      const { client, client_secret } = await api.create(fields as ClientInput)
      if (values.json) return print({ client_id: client.client_id, client_secret: client_secret ?? null })
      print(`${describe(client)}\nclient_secret: ${client_secret ?? '(public client: none)'}`)
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
        return print(values.json ? publicFields(updated) : describe(updated))
      }
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
