import { defaultClientAuthMethods } from './client-auth/registry.js'
import { type ClientsApi, createClientsApi } from './clients.js'
import { type ProviderConfig, resolveConfig } from './config.js'
import type { ProviderContext } from './context.js'
import { authorize } from './endpoints/authorize/authorize.js'
import { introspect } from './endpoints/introspect.js'
import { revoke } from './endpoints/revoke.js'
import { token } from './endpoints/token.js'
import { ConfigError } from './errors.js'
import { createGrantRegistry } from './grants/registry.js'
import { renderError } from './http/render-error.js'
import { isManagePath, manage } from './manage/routes.js'
import { type VerifiedToken, verifyAccessToken } from './verify-access-token.js'

type Endpoint = (provider: ProviderContext, request: Request) => Promise<Response>

export interface Provider {
  /** Maps a request to a response. Bound: pass it detached to any Fetch runtime. */
  handle(request: Request, ...rest: unknown[]): Promise<Response>
  /** Whether a request's path is one of Grantline's, for host routers. */
  owns(request: Request): boolean
  verifyAccessToken(request: Request, options?: { scopes?: string[] }): Promise<VerifiedToken | Response>
  clients: ClientsApi
  /** DOT's cleartokens: removes up to `limit` expired or revoked rows. */
  cleanup(limit?: number): Promise<number>
  readonly issuer: string
  /** Where the endpoints live, e.g. `/o`. */
  readonly basePath: string
}

/** Creates the provider; validates the configuration once and throws a coded ConfigError if bad. */
export function createProvider(input: ProviderConfig): Provider {
  const config = resolveConfig(input)
  if (!config.storage.capabilities?.atomicConsume) {
    throw new ConfigError('ERR_STORAGE_NOT_ATOMIC', 'storage must declare capabilities.atomicConsume: single-use codes need an atomic consume')
  }
  const grants = createGrantRegistry(config.grants)
  const context: ProviderContext = {
    config,
    grants,
    enabledGrants: new Set([...config.grantTypes, ...config.grants.map((grant) => grant.grantType)]),
    clientAuth: defaultClientAuthMethods,
  }
  // Endpoints whose errors a person sees in a browser render as a page, the others as JSON.
  const routes = new Map<string, { endpoint: Endpoint; errors: 'json' | 'page' }>([
    ['authorize', { endpoint: authorize, errors: 'page' }],
    ['token', { endpoint: token, errors: 'json' }],
    ['revoke_token', { endpoint: revoke, errors: 'json' }],
    ['introspect', { endpoint: introspect, errors: 'json' }],
  ])
  const prefix = `${config.basePath}/`
  const managePages = { endpoint: manage, errors: 'page' as const }

  const route = (request: Request) => {
    const { pathname } = new URL(request.url)
    if (!pathname.startsWith(prefix)) return undefined
    if (config.managementPages && isManagePath(pathname.slice(prefix.length))) return managePages
    const name = pathname.slice(prefix.length).replace(/\/$/, '')
    return routes.get(name)
  }

  return {
    issuer: config.issuer,
    basePath: config.basePath,
    clients: createClientsApi(config.storage, config.seconds),
    owns: (request) => route(request) !== undefined || config.accounts.pages?.owns(request) === true,
    async handle(request) {
      const found = route(request)
      // The host's pages (localAccounts' login and logout), with the same generic error page.
      if (!found && config.accounts.pages?.owns(request)) {
        return config.accounts.pages.handle(request).catch((error: unknown) => renderError(error, 'page', request, config.onError))
      }
      if (!found) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
      try {
        return await found.endpoint(context, request)
      } catch (error) {
        return renderError(error, found.errors, request, config.onError)
      }
    },
    verifyAccessToken: (request, options) => verifyAccessToken(context, request, options),
    cleanup: (limit) => config.storage.cleanup(config.seconds(), limit),
  }
}
