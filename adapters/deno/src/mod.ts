/**
 * Grantline on Deno: `serve()` over `Deno.serve`, a Storage on Deno KV whose single-use steps are
 * `atomic().check()` commits, and an AccountStore on Deno KV for `localAccounts`.
 *
 * @module
 */
export { denoKvAccountStore } from './kv-account-store.ts'
export { type DenoKvStorageOptions, denoKvStorage } from './kv-storage.ts'
export { type RunningServer, type ServeOptions, serve } from './serve.ts'
