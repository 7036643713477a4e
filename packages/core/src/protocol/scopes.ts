import type { Client } from '../contracts/storage.js'
import { OAuthError } from '../primitives/errors.js'

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** RFC 6749 §3.3: a space-delimited list of scope-tokens, order irrelevant, duplicates dropped. */
export function parseScope(value: string): string[] {
  const scopes = value.split(' ')
  if (scopes.some((scope) => !SCOPE_TOKEN.test(scope))) throw new OAuthError('invalid_scope', 'the scope parameter is malformed')
  return [...new Set(scopes)]
}

/** The scopes a client may ask for: its registered list, or every configured scope. */
export function allowedScopes(client: Client, configured: Record<string, string>): string[] {
  const all = Object.keys(configured)
  return client.scope ? client.scope.split(' ').filter((scope) => all.includes(scope)) : all
}

/**
 * Resolves a request's `scope`: each must be configured and allowed for the client; absent means
 * the configured defaults the client may have (RFC 6749 §3.3).
 */
export function resolveScopes(
  requested: string | undefined,
  client: Client,
  configured: Record<string, string>,
  defaults: string[],
): string[] {
  const allowed = allowedScopes(client, configured)
  if (requested === undefined) {
    const scopes = defaults.filter((scope) => allowed.includes(scope))
    if (scopes.length === 0) throw new OAuthError('invalid_scope', 'no scope was requested and the client has no default scope')
    return scopes
  }
  const scopes = parseScope(requested)
  const refused = scopes.find((scope) => !allowed.includes(scope))
  if (refused) throw new OAuthError('invalid_scope', `the scope "${refused}" is unknown or not allowed for this client`)
  return scopes
}
