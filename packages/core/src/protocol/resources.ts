import type { ResourcesSetting } from '../contracts/resources.js'
import { ConfigError, OAuthError } from '../primitives/errors.js'

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * RFC 8707 §2: the canonical form of a resource indicator, or undefined when it is not an
 * absolute URI without a fragment. Scheme and host are lowercased and a default port dropped (as
 * for redirect URIs); the path and query are kept exactly as written, so that comparison is by
 * string equality. Only `https`, and `http` on a loopback host, name a resource Grantline issues
 * tokens for.
 */
export function canonicalResource(value: string): string | undefined {
  // Whitespace, controls and backslashes are silently rewritten by URL parsers: refuse them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u0020\u007f\\#]/.test(value) || !/^https?:\/\//i.test(value) || !URL.canParse(value)) return undefined
  const url = new URL(value)
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?]*@/i.test(value)) return undefined
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return undefined
  const authorityEnd = value.slice(url.protocol.length + 2).search(/[/?]/)
  const rest = authorityEnd === -1 ? '' : value.slice(url.protocol.length + 2 + authorityEnd)
  return `${url.protocol}//${url.host}${rest.startsWith('?') || rest === '' ? `/${rest}` : rest}`
}

/** The `resource` parameter's values (the form parser joins repeated values with a space). */
export function requestedResources(value: string | undefined): string[] {
  return value === undefined ? [] : [...new Set(value.split(' '))]
}

/**
 * RFC 8707 §2: resolves the resources a request names into canonical indicators, refusing with
 * `invalid_target` any that is malformed, unknown, or not allowed for the client.
 */
export function resolveResources(setting: ResourcesSetting | undefined, values: string[], clientId: string): string[] {
  if (values.length === 0) return []
  if (setting === undefined) {
    throw new OAuthError('invalid_target', 'this server has no resources configured (the `resources` setting); omit the resource parameter')
  }
  const resolved = values.map((value) => {
    const uri = canonicalResource(value)
    if (uri === undefined)
      throw new OAuthError('invalid_target', 'a resource must be an absolute https URI without a fragment (RFC 8707 §2)')
    if (setting === 'any') return uri
    const entry = setting.find((candidate) => candidate.uri === uri)
    if (!entry || (entry.clients && !entry.clients.includes(clientId))) {
      throw new OAuthError('invalid_target', `the resource "${uri}" is unknown or not allowed for this client`)
    }
    return uri
  })
  // Two spellings of one resource are one audience.
  return [...new Set(resolved)]
}

/**
 * RFC 8707 §2.2: a token request may narrow the grant's resources; each value must be one of them.
 * Without a `resource` parameter the token is for all of them.
 */
export function narrowResources(granted: readonly string[], value: string | undefined): string[] {
  const requested = requestedResources(value)
  if (requested.length === 0) return [...granted]
  const narrowed = requested.map((item) => {
    const uri = canonicalResource(item)
    if (uri === undefined || !granted.includes(uri)) {
      throw new OAuthError('invalid_target', 'a resource outside the grant was requested (RFC 8707 §2.2)')
    }
    return uri
  })
  return [...new Set(narrowed)]
}

/**
 * The scopes an access token for `audience` carries: those every audience with a scope list
 * understands; an audience without one takes them all.
 */
export function scopesForAudience(setting: ResourcesSetting | undefined, audience: readonly string[], scopes: string[]): string[] {
  if (setting === undefined || setting === 'any') return scopes
  const cut = audience.reduce((kept, uri) => {
    const allowed = setting.find((entry) => entry.uri === uri)?.scopes
    return allowed ? kept.filter((scope) => allowed.includes(scope)) : kept
  }, scopes)
  if (cut.length === 0 && scopes.length > 0) {
    throw new OAuthError('invalid_scope', 'none of the requested scopes applies to the requested resource')
  }
  return cut
}

/** Canonicalises the `resources` setting once, at start-up; a malformed URI is a coded config error. */
export function canonicalResources(setting: ResourcesSetting): ResourcesSetting {
  if (setting === 'any') return setting
  return setting.map((entry) => {
    const uri = canonicalResource(entry.uri)
    if (uri === undefined) {
      throw new ConfigError(
        'ERR_INVALID_CONFIG',
        `resources: "${entry.uri}" must be an absolute https URI (http on loopback) without a fragment`,
      )
    }
    return { ...entry, uri }
  })
}

/** A resource as the consent page names it: its configured name, when it has one. */
export function resourceLabel(setting: ResourcesSetting | undefined, uri: string): { uri: string; name?: string } {
  const name = setting === 'any' ? undefined : setting?.find((entry) => entry.uri === uri)?.name
  return name === undefined ? { uri } : { uri, name }
}

/** RFC 9068 §2.2: a JWT access token lives 5 minutes unless its resource says otherwise. */
export const JWT_ACCESS_TOKEN_TTL = 300

/** The longest lifetime a JWT access token may have: signing keys stay published at least that long. */
export function longestJwtTtl(setting: ResourcesSetting | undefined): number {
  if (setting === undefined || setting === 'any') return 0
  return Math.max(
    0,
    ...setting.filter((entry) => entry.accessToken?.format === 'jwt').map((entry) => entry.accessToken?.ttl ?? JWT_ACCESS_TOKEN_TTL),
  )
}
