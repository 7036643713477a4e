import { randomBytes } from 'node:crypto'
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CliError } from './cli-error.js'

export interface ServerSecrets {
  /** CSRF and consent signing secrets; the first signs, all verify. */
  secrets: string[]
  /** Encrypts private signing keys at rest (docs/architecture.md "Formats"); never stored in the database. */
  keyEncryptionKey: string
}

function readSecretsFile(file: string): ServerSecrets {
  let parsed: Partial<ServerSecrets>
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServerSecrets>
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error instanceof SyntaxError ? 'not valid JSON' : (error as NodeJS.ErrnoException).code}`)
  }
  if (!Array.isArray(parsed?.secrets) || typeof parsed.keyEncryptionKey !== 'string') {
    throw new CliError(`${file} is not a Grantline secrets file`)
  }
  return { secrets: parsed.secrets, keyEncryptionKey: parsed.keyEncryptionKey }
}

/**
 * The secrets of a server, from GRANTLINE_SECRETS / GRANTLINE_KEY_ENCRYPTION_KEY when set, or
 * from `<dataDir>/secrets.json`, generated (mode 0600) on first run. Kept outside the database.
 */
export function loadSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): ServerSecrets {
  if (env.GRANTLINE_SECRETS) {
    const secrets = env.GRANTLINE_SECRETS.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const keyEncryptionKey = env.GRANTLINE_KEY_ENCRYPTION_KEY
    if (!keyEncryptionKey) throw new CliError('GRANTLINE_SECRETS is set but GRANTLINE_KEY_ENCRYPTION_KEY is not')
    return { secrets, keyEncryptionKey }
  }
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) return readSecretsFile(file)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const generated = { secrets: [randomBytes(32).toString('base64url')], keyEncryptionKey: randomBytes(32).toString('base64url') }
  // Written aside, then linked into place: two processes starting on a new folder at once both
  // end up with the one complete file that was linked first.
  const draft = `${file}.${process.pid}.tmp`
  writeFileSync(draft, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 })
  try {
    linkSync(draft, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readSecretsFile(file)
    throw error
  } finally {
    rmSync(draft, { force: true })
  }
  return generated
}
