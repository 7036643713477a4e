import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from './cli-error.js'

export interface ServerSecrets {
  /** CSRF and consent signing secrets; the first signs, all verify. */
  secrets: string[]
  /** Encrypts private signing keys at rest (DESIGN.md "Formats"); never stored in the database. */
  keyEncryptionKey: string
}

/**
 * The secrets of a server, from GRANTLINE_SECRETS / GRANTLINE_KEY_ENCRYPTION_KEY when set, or
 * from `<dataDir>/secrets.json`, generated (mode 0600) on first run. Kept outside the database.
 */
export function loadSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): ServerSecrets {
  if (env.GRANTLINE_SECRETS) {
    const secrets = env.GRANTLINE_SECRETS.split(',').map((s) => s.trim())
    const keyEncryptionKey = env.GRANTLINE_KEY_ENCRYPTION_KEY
    if (!keyEncryptionKey) throw new CliError('GRANTLINE_SECRETS is set but GRANTLINE_KEY_ENCRYPTION_KEY is not')
    return { secrets, keyEncryptionKey }
  }
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerSecrets>
    if (!Array.isArray(parsed.secrets) || typeof parsed.keyEncryptionKey !== 'string') {
      throw new CliError(`${file} is not a Grantline secrets file`)
    }
    return { secrets: parsed.secrets, keyEncryptionKey: parsed.keyEncryptionKey }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const generated = { secrets: [randomBytes(32).toString('base64url')], keyEncryptionKey: randomBytes(32).toString('base64url') }
  writeFileSync(file, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  return generated
}
