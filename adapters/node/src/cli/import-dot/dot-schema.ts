import { CliError } from '../cli-error.js'
import type { DotReader } from './dot-reader.js'
import { DOT_TABLES } from './dot-tables.js'

/** Which DOT line made the database, told by the columns its migrations added. */
export type DotVersion = '1.x' | '2.x' | '3.x'

export interface DotSchema {
  version: DotVersion
  application: Set<string>
  accessToken: Set<string>
  refreshToken: Set<string>
  user: Set<string>
  /** Authorization codes: counted, never imported. */
  grant: Set<string> | undefined
  /** ID tokens (DOT 1.5 and later): counted, never imported. */
  idToken: Set<string> | undefined
}

/**
 * DOT 3.0 added `token_checksum` (the SHA-256 hex of the access token); DOT 2.x added
 * `post_logout_redirect_uris`, `hash_client_secret` and `allowed_origins`, and hashed every client
 * secret (2.0, with no column to show it). A database with none of these columns is DOT 1.x.
 */
export async function readDotSchema(reader: DotReader): Promise<DotSchema> {
  const required = async (table: string, why = 'is not a Django OAuth Toolkit database') => {
    const columns = await reader.columns(table)
    if (!columns) throw new CliError(`--from ${why}: it has no table ${table}`, 1)
    return columns
  }
  const application = await required(DOT_TABLES.application)
  const accessToken = await required(DOT_TABLES.accessToken)
  const refreshToken = await required(DOT_TABLES.refreshToken)
  const user = await required(DOT_TABLES.user, 'keeps its users elsewhere (a custom AUTH_USER_MODEL, which the import does not read)')
  const dot2 = ['post_logout_redirect_uris', 'hash_client_secret', 'allowed_origins'].some((column) => application.has(column))
  const version: DotVersion = accessToken.has('token_checksum') ? '3.x' : dot2 ? '2.x' : '1.x'
  return {
    version,
    application,
    accessToken,
    refreshToken,
    user,
    grant: await reader.columns(DOT_TABLES.grant),
    idToken: await reader.columns(DOT_TABLES.idToken),
  }
}
