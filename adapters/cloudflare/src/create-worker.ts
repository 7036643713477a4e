import { ConfigError, createProvider, type ProviderConfig } from '@grantline/core'
import { type CachedStorageOptions, cachedStorage, type KvNamespaceLike, kvCache } from '@grantline/kv'
import { sqlStorage } from '@grantline/sql'
import type { D1DatabaseLike, ExecutionContextLike, ScheduledControllerLike } from './bindings.js'
import { d1Driver } from './d1-driver.js'
import { runScheduled, type ScheduledOptions, type ScheduledTarget } from './scheduled.js'

/** The bindings the Worker reads: `DB` (D1, the Storage) and, optionally, `CACHE` (KV, a read cache). */
export interface WorkerEnv {
  DB: D1DatabaseLike
  CACHE?: KvNamespaceLike
}

/** The provider's configuration without `storage` (the adapter builds it from the bindings). */
export interface WorkerConfig extends Omit<ProviderConfig, 'storage'> {
  /**
   * The KV read cache in front of D1 when `CACHE` is bound (`false` ignores the binding): client
   * records, and access tokens only with `accessTokens.maxStaleSeconds` (see cachedStorage).
   */
  cache?: false | (Omit<CachedStorageOptions, 'defer'> & { prefix?: string })
  /** Cleanup and key rotation on each Cron Trigger. */
  scheduled?: ScheduledOptions
}

/** A module Worker: `export default createWorker(...)`. */
export interface GrantlineWorker<Env> {
  fetch(request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response>
  scheduled(controller: ScheduledControllerLike, env: Env, ctx: ExecutionContextLike): Promise<void>
}

type WaitUntil = (promise: Promise<unknown>) => void

let workersModule: Promise<{ waitUntil: WaitUntil }> | undefined

/**
 * `waitUntil` of `cloudflare:workers`, imported at the first event rather than on load: the
 * package then imports in Node too, for tooling (d1Driver over Miniflare's or wrangler's D1).
 */
async function workersWaitUntil(): Promise<WaitUntil> {
  workersModule ??= import('cloudflare:workers')
  return (await workersModule).waitUntil
}

function build(env: WorkerEnv, config: WorkerConfig, waitUntil: WaitUntil): ScheduledTarget {
  const { cache, scheduled = {}, ...providerConfig } = config
  if (providerConfig.oidc?.createKeysOnDemand) {
    throw new ConfigError(
      'ERR_WORKERS_KEYS_ON_DEMAND',
      'oidc.createKeysOnDemand: on Workers keys come from scheduled(), wrangler or the CLI, never from a request',
    )
  }
  // D1 itself, not withSession(): every read goes to the primary, so a revocation is seen at once.
  const storage = sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' })
  const { prefix, ...cacheOptions } = cache || {}
  const cached =
    env.CACHE && cache !== false
      ? // Only cache fills ride on waitUntil: writes to D1 are awaited by the request itself.
        cachedStorage(storage, kvCache(env.CACHE, prefix === undefined ? {} : { prefix }), { ...cacheOptions, defer: waitUntil })
      : storage
  const provider = createProvider({
    ...providerConfig,
    ...(providerConfig.oidc ? { oidc: { ...providerConfig.oidc, createKeysOnDemand: false } } : {}),
    storage: cached,
  })
  return { provider, storage, oidc: providerConfig.oidc !== undefined, now: providerConfig.now ?? Date.now, options: scheduled }
}

/**
 * A Cloudflare Worker serving Grantline from its bindings: D1 (`env.DB`) as the Storage through
 * @grantline/sql, KV (`env.CACHE`, optional) as a read cache only. The provider is built once per
 * isolate and env, at the first event. `scheduled()` runs on a Cron Trigger: it makes the first
 * signing key (none is ever made inside a request here), rotates keys by age, and removes expired
 * and revoked rows in batches. Migrations are wrangler's (`wrangler d1 migrations apply`).
 */
export function createWorker<Env extends WorkerEnv>(configure: (env: Env) => WorkerConfig): GrantlineWorker<Env> {
  const built = new WeakMap<Env, ScheduledTarget>()
  const forEnv = async (env: Env): Promise<ScheduledTarget> => {
    // Awaited before the lookup, so that concurrent first events build one provider, not two.
    const waitUntil = await workersWaitUntil()
    let target = built.get(env)
    if (!target) {
      target = build(env, configure(env), waitUntil)
      built.set(env, target)
    }
    return target
  }
  return {
    async fetch(request, env, ctx) {
      // From ctx the core reads waitUntil (audit events) and that this is workerd, where the
      // CF-Connecting-IP header is Cloudflare's own: the client address its rate limits count by.
      return (await forEnv(env)).provider.handle(request, ctx)
    },
    async scheduled(controller, env) {
      await runScheduled(await forEnv(env), controller)
    },
  }
}
