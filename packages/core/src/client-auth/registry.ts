import type { ClientAuthMethod } from './client-auth-method.js'
import { clientSecretBasic } from './client-secret-basic.js'
import { clientSecretPost } from './client-secret-post.js'
import { none } from './none.js'

/** A `token_endpoint_auth_method` name: visible ASCII (RFC 7591 §2 names are strings; these are stored and listed). */
export const AUTH_METHOD_NAME = /^[\x21-\x7e]{1,100}$/

/** The built-in client authentication methods, by RFC 7591 name. */
export const defaultClientAuthMethods: readonly ClientAuthMethod[] = [clientSecretBasic, clientSecretPost, none]

/**
 * The methods the token, revocation and introspection endpoints accept and discovery lists
 * (RFC 8414 §2 `token_endpoint_auth_methods_supported`): the built-ins, then the registered ones;
 * a registered method replaces the built-in of the same name, in its place.
 */
export function createClientAuthRegistry(extra: readonly ClientAuthMethod[]): readonly ClientAuthMethod[] {
  return [...new Map([...defaultClientAuthMethods, ...extra].map((method) => [method.name, method])).values()]
}
