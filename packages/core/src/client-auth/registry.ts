import type { ClientAuthMethod } from '../contracts/client-auth-method.js'
import { ConfigError } from '../primitives/errors.js'
import { CLIENT_SECRET_JWT_REFUSED } from '../protocol/client-auth-methods.js'
import { clientSecretBasic } from './client-secret-basic.js'
import { clientSecretPost } from './client-secret-post.js'
import { none } from './none.js'
import { createPrivateKeyJwt, privateKeyJwt } from './private-key-jwt.js'

/** The built-in client authentication methods, by RFC 7591 name; private_key_jwt when the storage can remember a jti. */
export const defaultClientAuthMethods: readonly ClientAuthMethod[] = [clientSecretBasic, clientSecretPost, none]

/**
 * The methods the token, revocation, introspection and PAR endpoints accept and discovery lists
 * (RFC 8414 §2 `token_endpoint_auth_methods_supported`): the built-ins (private_key_jwt only with
 * a storage that can remember an assertion's jti), then the registered ones; a registered method
 * replaces the built-in of the same name, in its place. Throws ConfigError for client_secret_jwt,
 * and for the built-in private_key_jwt named explicitly without `canRemember`. `jwtAlgs` narrows
 * the algorithms the built-in private_key_jwt accepts (a profile's).
 */
export function createClientAuthRegistry(
  extra: readonly ClientAuthMethod[],
  canRemember = true,
  jwtAlgs?: readonly string[],
): readonly ClientAuthMethod[] {
  if (extra.some((method) => method.name === 'client_secret_jwt')) throw new ConfigError('ERR_CLIENT_SECRET_JWT', CLIENT_SECRET_JWT_REFUSED)
  if (!canRemember && extra.includes(privateKeyJwt)) {
    throw new ConfigError(
      'ERR_PRIVATE_KEY_JWT_STORAGE',
      'private_key_jwt needs a Storage with remember(): a client assertion jti is single use (RFC 7523 section 3)',
    )
  }
  const builtIns = canRemember
    ? [...defaultClientAuthMethods, jwtAlgs ? createPrivateKeyJwt(jwtAlgs) : privateKeyJwt]
    : defaultClientAuthMethods
  return [...new Map([...builtIns, ...extra].map((method) => [method.name, method])).values()]
}
