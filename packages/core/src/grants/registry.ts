import type { GrantHandler } from '../contracts/grant-handler.js'
import { authorizationCode } from './authorization-code.js'
import { clientCredentials } from './client-credentials.js'
import { deviceCode } from './device-code.js'
import { password } from './password.js'
import { refreshToken } from './refresh-token.js'

export const builtInGrants: readonly GrantHandler[] = [authorizationCode, refreshToken, clientCredentials, password, deviceCode]

/** Maps grant_type to its handler; a user-registered handler replaces a built-in one of the same type. */
export function createGrantRegistry(extra: readonly GrantHandler[]): ReadonlyMap<string, GrantHandler> {
  return new Map([...builtInGrants, ...extra].map((grant) => [grant.grantType, grant]))
}
