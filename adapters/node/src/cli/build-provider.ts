import { readFileSync } from 'node:fs'
import { ConfigError, createProvider, localAccounts, type Provider, type ProviderConfig } from '@grantline/core'
import { CliError } from './cli-error.js'
import { loadSecrets } from './data-dir.js'
import { type Database, openDatabase } from './open-database.js'

export interface ServerFlags {
  issuer?: string | undefined
  db?: string | undefined
  config?: string | undefined
  data?: string | undefined
}

export interface Server {
  provider: Provider
  accounts: ReturnType<typeof localAccounts>
  database: Database
}

/** Provider options from a `--config` JSON file: any option that is plain data. */
function readConfigFile(file: string | undefined): Partial<ProviderConfig> {
  if (!file) return {}
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new CliError(`cannot read the config file ${file}`)
  }
  try {
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error()
    return parsed as Partial<ProviderConfig>
  } catch {
    throw new CliError(`${file} is not a JSON object`)
  }
}

/** Builds the standalone server: SQL storage, local accounts and secrets from the data folder. */
export async function buildServer(flags: ServerFlags, defaults: { issuer: string }): Promise<Server> {
  const dataDir = flags.data ?? 'data'
  const fileConfig = readConfigFile(flags.config)
  const { secrets } = loadSecrets(dataDir)
  const database = await openDatabase(flags.db ?? process.env.GRANTLINE_DB ?? `${dataDir}/grantline.sqlite`)
  try {
    const accounts = localAccounts(database.accountStore, { secrets })
    const provider = createProvider({
      ...fileConfig,
      issuer: flags.issuer ?? fileConfig.issuer ?? defaults.issuer,
      storage: database.storage,
      accounts,
      secrets,
    })
    return { provider, accounts, database }
  } catch (error) {
    await database.close()
    if (error instanceof ConfigError) throw new CliError(`invalid configuration: ${error.message}`)
    throw error
  }
}
