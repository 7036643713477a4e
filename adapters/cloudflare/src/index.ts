export type { D1DatabaseLike, ExecutionContextLike, ScheduledControllerLike } from './bindings.js'
export { createWorker, type GrantlineWorker, type WorkerConfig, type WorkerEnv } from './create-worker.js'
export { d1Driver } from './d1-driver.js'
export type { ScheduledOptions } from './scheduled.js'

/** PBKDF2 iterations for `localAccounts` on workerd, whose Web Crypto refuses more (docs/architecture.md "Identity"). */
export const WORKERD_PBKDF2_ITERATIONS = 100_000
