import type { Client } from '../contracts/storage.js'

/** The two ways to present a client secret (RFC 6749 §2.3.1): in an HTTP Basic header, or in the body. */
export const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'] as const
export type SecretMethod = (typeof SECRET_METHODS)[number]

export const isSecretMethod = (name: string): name is SecretMethod => (SECRET_METHODS as readonly string[]).includes(name)

/**
 * Whether `client` may authenticate with the method named `name`: its registered
 * `token_endpoint_auth_method` (RFC 7591 §2), or, for a client that authenticates with a secret,
 * another way of sending that same secret listed in its `secret_methods` setting (what an import
 * from Django OAuth Toolkit sets, since DOT took a secret either way). Never `none` or a key-based
 * method through that list: only the secret's two ways mix.
 */
export function acceptsMethod(client: Client, name: string): boolean {
  if (client.token_endpoint_auth_method === name) return true
  if (!isSecretMethod(client.token_endpoint_auth_method) || !isSecretMethod(name)) return false
  return client.metadata.secret_methods?.includes(name) === true
}

/** A `token_endpoint_auth_method` name: visible ASCII (RFC 7591 §2 names are strings; these are stored and listed). */
export const AUTH_METHOD_NAME = /^[\x21-\x7e]{1,100}$/

/**
 * Why client_secret_jwt (RFC 7523 §2.2 with an HMAC, OIDC Core §9) is refused, in configuration
 * and at registration: the server stores client secrets as SHA-256 hashes, so it holds no key to
 * check an HMAC with.
 */
export const CLIENT_SECRET_JWT_REFUSED =
  'client_secret_jwt is not supported: client secrets are stored hashed, so the server has no shared key to check an HMAC with; use private_key_jwt'
