import type { Provider, Storage } from '@grantline/core'
import type { ScheduledControllerLike } from './bindings.js'

/** What each Cron Trigger does. Every step is awaited by the trigger; nothing is deferred. */
export interface ScheduledOptions {
  /** Rows one `cleanup()` call may remove (DOT's cleartokens, in bounded steps). Default 1000. */
  cleanupBatchSize?: number
  /** Calls per trigger at most, so one trigger stays within a Worker's limits. Default 20. */
  cleanupMaxBatches?: number
  /**
   * With `oidc`: a new signing key is made when the newest key is older than this (seconds);
   * it is published at once and signs a JWKS max-age later. Default 30 days.
   */
  rotateKeysAfterSeconds?: number
  /** One line per trigger (Workers Logs); `false` turns it off. Default `console.log`. */
  log?: ((line: string) => void) | false
}

export interface ScheduledTarget {
  provider: Provider
  /** The D1 Storage itself, never through the cache. */
  storage: Storage
  oidc: boolean
  /** Epoch milliseconds (the provider's injected clock). */
  now: () => number
  options: ScheduledOptions
}

export interface ScheduledSummary {
  /** Expired or revoked rows removed. */
  removed: number
  /** The signing key made by this trigger, if any. */
  key: { kid: string; activate_at: number } | null
}

/**
 * Makes the first signing key when there is none (Workers never make one inside a request), or a
 * successor once the newest key is older than `rotateKeysAfterSeconds`.
 */
async function rotateIfDue(target: ScheduledTarget): Promise<ScheduledSummary['key']> {
  if (!target.oidc) return null
  const keys = await target.storage.listSigningKeys()
  const newest = keys.reduce((latest, key) => Math.max(latest, key.created_at), Number.NEGATIVE_INFINITY)
  const age = Math.floor(target.now() / 1000) - newest
  return age >= (target.options.rotateKeysAfterSeconds ?? 30 * 86_400) ? target.provider.rotateSigningKey() : null
}

/** Removes expired and revoked rows in bounded batches until none is left or the budget is spent. */
async function cleanup(target: ScheduledTarget): Promise<number> {
  const size = target.options.cleanupBatchSize ?? 1000
  let removed = 0
  for (let batch = 0; batch < (target.options.cleanupMaxBatches ?? 20); batch++) {
    const step = await target.provider.cleanup(size)
    removed += step
    if (step < size) break
  }
  return removed
}

/** One Cron Trigger: key rotation, then cleanup; a failure of either fails the trigger after both ran. */
export async function runScheduled(target: ScheduledTarget, controller: ScheduledControllerLike): Promise<ScheduledSummary> {
  const [key, removed] = await Promise.allSettled([rotateIfDue(target), cleanup(target)])
  const summary = { key: key.status === 'fulfilled' ? key.value : null, removed: removed.status === 'fulfilled' ? removed.value : 0 }
  const log = target.options.log === undefined ? console.log : target.options.log
  if (log) {
    const made = summary.key
      ? `; new signing key ${summary.key.kid} signs from ${new Date(summary.key.activate_at * 1000).toISOString()}`
      : ''
    log(`grantline scheduled (${controller.cron}): removed ${summary.removed} expired or revoked rows${made}`)
  }
  for (const result of [key, removed]) if (result.status === 'rejected') throw result.reason
  return summary
}
