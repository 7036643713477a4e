import { randomBytes } from 'node:crypto'
import { ConfigError } from '@grantline/core'
import { parseFlags, usageError } from '../args.js'
import { buildServer } from '../build-provider.js'
import { CliError } from '../cli-error.js'
import { print } from '../output.js'

const flags = {
  db: { type: 'string' },
  data: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  password: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
} as const

export const usersUsage = `grantline users create USERNAME [--password P] [--email E] [--name N] [--json]   (no --password: one is generated and printed)
grantline users list [--json]
grantline users delete USERNAME [--json]
grantline users set-password USERNAME [--password P] [--json]`

const ACTIONS = ['create', 'list', 'delete', 'set-password']

export async function users(argv: string[]): Promise<void> {
  const [action, ...rest] = argv
  if (!ACTIONS.includes(action ?? ''))
    throw usageError(action ? `unknown users action "${action}"` : 'users needs an action: create, list, delete or set-password')
  const { values, positionals } = parseFlags(rest, flags)
  const username = positionals[0]
  if (action !== 'list' && !username) throw usageError(`users ${action} needs a USERNAME`)
  if (positionals.length > (action === 'list' ? 0 : 1)) throw usageError(`unexpected argument "${positionals.at(-1)}"`)
  const { accounts, database } = await buildServer(values, { issuer: 'http://127.0.0.1:8080/o' })
  try {
    const store = database.accountStore
    if (action === 'list') {
      const all = await accounts.users.list()
      if (values.json) return print(all.map(({ sub, username, claims, created_at }) => ({ sub, username, claims, created_at })))
      return print(all.length ? all.map((u) => `${u.sub}  ${u.username}`).join('\n') : 'no users')
    }
    const generated = values.password === undefined
    const password = values.password ?? randomBytes(12).toString('base64url')
    if (action === 'create') {
      const claims: Record<string, unknown> = {}
      if (values.email) claims.email = values.email
      if (values.name) claims.name = values.name
      const user = await accounts.users.create({ username: username as string, password, claims })
      if (values.json) return print({ sub: user.sub, username: user.username, ...(generated ? { password } : {}) })
      return print(`created ${user.username} (sub ${user.sub})${generated ? `\npassword: ${password}` : ''}`)
    }
    const user = await store.findUserByUsername(username as string)
    if (!user) throw new CliError(`no user "${username}"`)
    if (action === 'delete') {
      // RFC 9700 §4.14: the user's grants end with the account, in the same transaction.
      await database.deleteUser(user.sub, Math.floor(Date.now() / 1000))
      return print(values.json ? { deleted: user.username } : `deleted ${user.username}`)
    }
    await accounts.users.setPassword(user.sub, password)
    print(
      values.json ? { username: user.username, ...(generated ? { password } : {}) } : `password changed${generated ? `: ${password}` : ''}`,
    )
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message)
    throw error
  } finally {
    await database.close()
  }
}
