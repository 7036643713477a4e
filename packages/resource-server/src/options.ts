import { ConfigError } from './errors.js'
import type { ProtectedResourceMetadata } from './metadata.js'
import { canonicalResource, metadataUrlOf } from './resource-uri.js'
import type { RemoteOptions, ResourceServerOptions, SameProcessOptions } from './types.js'

/** RFC 6749 §3.3 scope-token: NQCHAR, at least one. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** The settings after one validation at start-up. */
export interface ResolvedOptions {
  resource: string
  metadataUrl: string
  document: ProtectedResourceMetadata
}

function fail(message: string): never {
  throw new ConfigError('ERR_INVALID_CONFIG', `createResourceServer: ${message}`)
}

function isHttpsUri(value: unknown): value is string {
  return typeof value === 'string' && canonicalResource(value) !== undefined
}

function checkRemote(options: RemoteOptions): string[] {
  const { introspection, authorizationServers, fetch, now, cacheSize } = options
  if (typeof introspection !== 'object' || introspection === null) fail('introspection must be { endpoint, clientId, clientSecret }')
  if (!isHttpsUri(introspection.endpoint)) fail('introspection.endpoint must be an https URL (http on loopback)')
  for (const name of ['clientId', 'clientSecret'] as const) {
    if (typeof introspection[name] !== 'string' || introspection[name] === '') fail(`introspection.${name} must be a non-empty string`)
  }
  if (!Array.isArray(authorizationServers) || authorizationServers.length === 0 || !authorizationServers.every(isHttpsUri)) {
    fail('authorizationServers must list the issuer (an https URL) whose tokens this resource accepts')
  }
  if (fetch !== undefined && typeof fetch !== 'function') fail('fetch must be a function')
  if (now !== undefined && typeof now !== 'function') fail('now must be a function returning epoch milliseconds')
  if (cacheSize !== undefined && !(Number.isInteger(cacheSize) && cacheSize > 0)) fail('cacheSize must be a positive integer')
  return [...authorizationServers]
}

function checkSameProcess(options: SameProcessOptions): string[] {
  const { provider } = options
  if (typeof provider?.verifyAccessToken !== 'function' || typeof provider.issuer !== 'string') {
    fail('provider must be a Grantline provider (issuer and verifyAccessToken)')
  }
  return [provider.issuer]
}

/**
 * Validates the settings once and derives what every request uses: the canonical resource
 * (RFC 8707 §2), its metadata URL (RFC 9728 §3.1) and document (§2). A bad setting throws a
 * `ConfigError` with code `ERR_INVALID_CONFIG`.
 */
export function resolveOptions(options: ResourceServerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options are required')
  const resource = typeof options.resource === 'string' ? canonicalResource(options.resource) : undefined
  if (resource === undefined) fail('resource must be an absolute https URI (http on loopback) without a fragment (RFC 8707 §2)')
  const remote = 'introspection' in options && options.introspection !== undefined
  const local = 'provider' in options && options.provider !== undefined
  if (remote === local) fail('give either provider (same process) or introspection (remote), not both')
  const authorization_servers = remote ? checkRemote(options as RemoteOptions) : checkSameProcess(options as SameProcessOptions)
  const { scopes, resourceName, bearerMethods = ['header'] } = options
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope)))) {
    fail('scopes must be a list of scope tokens (RFC 6749 §3.3)')
  }
  if (resourceName !== undefined && (typeof resourceName !== 'string' || resourceName === ''))
    fail('resourceName must be a non-empty string')
  if (!Array.isArray(bearerMethods) || !bearerMethods.every((method) => method === 'header')) {
    fail('bearerMethods may only list "header": verify reads the Authorization header alone (RFC 6750 §2.1)')
  }
  return {
    resource,
    metadataUrl: metadataUrlOf(resource),
    document: {
      resource,
      authorization_servers,
      ...(scopes === undefined ? {} : { scopes_supported: [...scopes] }),
      bearer_methods_supported: [...bearerMethods],
      ...(resourceName === undefined ? {} : { resource_name: resourceName }),
    },
  }
}
