import { createClientAuthRegistry } from './client-auth/registry.js'
import { createClientKeys } from './clients/client-keys.js'
import { createClientsApi } from './clients/clients-api.js'
import { createClientMetadataDocuments } from './clients/metadata-document-cache.js'
import { CLIENT_JWT_ALGS } from './clients/verify-client-jwt.js'
import { type ProviderConfig, resolveConfig } from './config/config.js'
import { FAPI2_ALGS, fapi2ClientAuth } from './config/fapi2.js'
import { unusedClientDays } from './config/registration.js'
import type { ProviderContext, RequestContext } from './contracts/context.js'
import type { Provider } from './contracts/provider.js'
import { createInitialAccessToken } from './endpoints/register/initial-access-token.js'
import { emit } from './events/emit.js'
import { grantConfigOf } from './grants/grant-services.js'
import { createGrantRegistry } from './grants/registry.js'
import { createClientAddress } from './http/client-address.js'
import { createCorsOrigins, withoutCors } from './http/cors.js'
import { pathnameOf } from './http/pathname.js'
import { renderError } from './http/render-error.js'
import { parseKeyEncryptionKey } from './keys/key-encryption.js'
import { createSigningKeys } from './keys/signing-keys.js'
import { ConfigError } from './primitives/errors.js'
import { createHashSlots } from './primitives/hash-slots.js'
import { endpointUrls } from './protocol/capabilities.js'
import { longestJwtTtl } from './protocol/resources.js'
import { attemptGate } from './rate-limit/attempt-gate.js'
import { createRateLimiter } from './rate-limit/rate-limiter.js'
import { createRouter } from './router.js'
import { verifyAccessToken } from './tokens/verify-access-token.js'

/** Creates the provider; validates the configuration once and throws a coded ConfigError if bad. */
export function createProvider(input: ProviderConfig): Provider {
  const config = resolveConfig(input)
  if (!config.storage.capabilities?.atomicConsume) {
    throw new ConfigError(
      'ERR_STORAGE_NOT_ATOMIC',
      'storage must declare capabilities.atomicConsume: single-use codes need an atomic consume',
    )
  }
  const grants = createGrantRegistry(config.grants)
  // private_key_jwt's jti is single use (RFC 7523 §3): offered only over a storage that can remember it.
  const canRemember = typeof config.storage.remember === 'function'
  const clientJwtAlgs: readonly string[] = config.profile === 'fapi2' ? FAPI2_ALGS : CLIENT_JWT_ALGS
  const rateLimiter = createRateLimiter(config)
  const context: ProviderContext = {
    config,
    endpoints: endpointUrls(config),
    grantConfig: grantConfigOf(config),
    grants,
    enabledGrants: new Set([...config.grantTypes, ...config.grants.map((grant) => grant.grantType)]),
    clientAuth:
      config.profile === 'fapi2'
        ? fapi2ClientAuth(createClientAuthRegistry(config.clientAuthMethods, canRemember, clientJwtAlgs))
        : createClientAuthRegistry(config.clientAuthMethods, canRemember),
    keys: config.oidc
      ? createSigningKeys({
          storage: config.storage,
          keyEncryptionKey: parseKeyEncryptionKey(config.oidc.keyEncryptionKey),
          alg: config.oidc.signingAlg,
          seconds: config.seconds,
          // Published a JWKS max-age (plus one key reload) before it signs; kept while its tokens
          // live, RFC 9068 access tokens included.
          publishSeconds: config.oidc.jwksMaxAge + 60,
          retainSeconds: Math.max(config.oidc.idTokenTtl, config.ttl.accessToken, longestJwtTtl(config.resources)),
          createOnDemand: config.oidc.createKeysOnDemand,
        })
      : null,
    rateLimiter,
    clientAuthAttempts: rateLimiter && config.rateLimit ? attemptGate(config.rateLimit.maxFailures) : null,
    corsOrigins: createCorsOrigins(config.storage, config.seconds),
    clientMetadataDocuments: config.clientIdMetadataDocuments ? createClientMetadataDocuments(config) : null,
    clientKeys: createClientKeys(config),
    clientJwtAlgs,
    // Django-hashed client secrets share the accounts' bound on PBKDF2 when they lend theirs.
    hashSlots: config.accounts.hashSlots ?? createHashSlots(2),
  }
  const router = createRouter(context)
  const route = (request: Request) => router(pathnameOf(request.url))
  const addressOf = createClientAddress(config)

  return {
    issuer: config.issuer,
    basePath: config.basePath,
    clients: createClientsApi(
      config.storage,
      config.seconds,
      context.clientAuth.map((method) => method.name),
    ),
    owns: (request) => route(request) !== undefined || config.accounts.pages?.owns(request) === true,
    async handle(request, ...rest) {
      const waitUntil = findWaitUntil(rest)
      const clientAddress = addressOf(request, rest, waitUntil !== undefined)
      const call: RequestContext = { request, waitUntil, clientAddress }
      const found = route(request)
      // The host's pages (localAccounts' login and logout), with the same generic error page.
      if (!found && config.accounts.pages?.owns(request)) {
        const pages = config.accounts.pages
        const response = await pages
          .handle(request, { emit: (event) => emit(context, call, event), clientAddress })
          .catch((error: unknown) => renderError(error, 'page', request, config.onError))
        return withoutCors(response)
      }
      if (!found) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } })
      let response: Response
      try {
        response = await found.endpoint(context, request, call)
      } catch (error) {
        response = renderError(error, found.errors, request, config.onError)
      }
      // RFC 9700 §2.6: no CORS at the authorization endpoint, nor on any page.
      return found.errors === 'page' ? withoutCors(response) : response
    },
    verifyAccessToken: (request, options) => verifyAccessToken(context, request, options),
    // Dynamic clients unused for registration.unusedClientDays go too; with registration off
    // (or set only where the server runs, not where the cleanup does) after the default 30 days.
    cleanup: (limit) => config.storage.cleanup(config.seconds(), limit, { unusedDynamicClientSeconds: unusedClientDays(config) * 86_400 }),
    createInitialAccessToken: (options) => createInitialAccessToken(config, options?.expiresIn),
    async rotateSigningKey() {
      if (!context.keys) throw new ConfigError('ERR_OIDC_DISABLED', 'signing keys need the oidc option')
      const { kid, activate_at } = await context.keys.rotate()
      return { kid, activate_at }
    },
  }
}

/**
 * Of `handle`'s extra arguments this reads a `waitUntil` function (Workers pass `(request, env,
 * ctx)`); the client address is read from them too, by runtimeClientAddress.
 */
function findWaitUntil(rest: unknown[]): ((promise: Promise<unknown>) => void) | undefined {
  for (const arg of rest) {
    if (typeof arg !== 'object' || arg === null) continue
    const holder = arg as { waitUntil?: unknown }
    // Called as a method: workerd's ctx.waitUntil throws "Illegal invocation" when detached.
    if (typeof holder.waitUntil === 'function')
      return (promise) => (holder as { waitUntil(promise: Promise<unknown>): void }).waitUntil(promise)
  }
  return undefined
}
