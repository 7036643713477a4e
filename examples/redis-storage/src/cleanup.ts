import type { CleanupOptions } from '@grantline/core'
import type { RunScript } from './connection.js'
import { REMOVE_UNUSED_CLIENTS, SWEEP } from './lua/cleanup.js'

/** Index entries each script call reads: small enough that no call holds Redis for long. */
const CHUNK = 100

const numbers = (reply: unknown) => (reply as number[]).map(Number)

/** Unused dynamic clients (RFC 7591) created by `cutoff`, removed chunk by chunk. */
async function removeUnusedClients(run: RunScript, now: number, cutoff: number, limit: number): Promise<number> {
  let removed = 0
  let offset = 0
  while (removed < limit) {
    const [gone = 0, kept = 0, examined = 0] = numbers(await run(REMOVE_UNUSED_CLIENTS, now, cutoff, limit - removed, offset, CHUNK))
    removed += gone
    offset += kept
    if (examined < CHUNK) break
  }
  return removed
}

/**
 * DOT's `cleartokens`: removes up to `limit` expired or revoked rows through the expiry and
 * revoked indexes, one script per chunk, each chunk atomic. Validity never depends on it: every
 * read checks expiry and revocation itself. With `unusedDynamicClientSeconds`, unused dynamic
 * clients go first.
 */
export async function cleanup(run: RunScript, now: number, limit = 10_000, options?: CleanupOptions): Promise<number> {
  const idle = options?.unusedDynamicClientSeconds
  let removed = idle === undefined ? 0 : await removeUnusedClients(run, now, now - idle, limit)
  while (removed < limit) {
    const [gone = 0, examined = 0] = numbers(await run(SWEEP, now, limit - removed, CHUNK))
    removed += gone
    if (examined === 0) break
  }
  return removed
}
