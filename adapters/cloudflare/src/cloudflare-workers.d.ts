// The one runtime module the adapter imports; @cloudflare/workers-types declares all of it.
declare module 'cloudflare:workers' {
  /** Keeps the current request (or cron event) alive until `promise` settles: its ctx.waitUntil. */
  export function waitUntil(promise: Promise<unknown>): void
}
