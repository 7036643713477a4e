import type { AccessTokenRecord, RefreshTokenRecord, RotateResult, Storage } from '@grantline/core'
import { CONFLICT, type KvKeys, retrying } from './kv-keys.ts'
import { liveToken, setTokens } from './kv-rows.ts'

/**
 * Inside the grace window, while the old token's successor is unused and unrevoked, adds to `op`
 * the revocation of that successor and of its access token, each checked unchanged since read.
 * Answers false (a reuse) otherwise.
 */
async function moveChain(kv: Deno.Kv, keys: KvKeys, op: Deno.AtomicOperation, old: RefreshTokenRecord, now: number, graceSeconds: number) {
  if (old.used_at === null || !(now - old.used_at < graceSeconds) || old.successor_hash === null) return false
  const entry = await kv.get<RefreshTokenRecord>(keys.refresh(old.successor_hash))
  const successor = entry.value
  if (!successor || successor.used_at !== null || successor.revoked_at !== null) return false
  op.check(entry)
    .set(entry.key, { ...successor, revoked_at: now })
    .set(keys.revoked('refresh', successor.hash), true)
  if (successor.access_hash !== null) {
    const access = await kv.get<AccessTokenRecord>(keys.access(successor.access_hash))
    if (access.value && access.value.revoked_at === null) {
      op.check(access)
        .set(access.key, { ...access.value, revoked_at: now })
        .set(keys.revoked('access', access.value.hash), true)
    }
  }
  return true
}

/**
 * `rotateRefresh` as one `atomic()` commit (RFC 9700 §4.14.2): it checks that the old token, its
 * family, client and consent, and (in the grace window) the successor it replaces are all
 * unchanged since they were read, marks the old token used and inserts the new pair. A commit
 * that loses to a concurrent writer is retried from a fresh read, where the winner's mark turns
 * the loser into a reuse: of concurrent rotations exactly one wins.
 */
export function rotateRefreshMethod(kv: Deno.Kv, keys: KvKeys): Storage['rotateRefresh'] {
  return (oldHash, next, now, graceSeconds) =>
    retrying<RotateResult>(async () => {
      const entry = await kv.get<RefreshTokenRecord>(keys.refresh(oldHash))
      const live = await liveToken(kv, keys, entry, now)
      if (!live) return { status: 'absent' }
      const old = live.value
      const op = kv.atomic()
      for (const check of live.checks) op.check(check)
      if (old.used_at !== null && !(await moveChain(kv, keys, op, old, now, graceSeconds))) {
        return { status: 'reused', family_id: old.family_id }
      }
      // The grace window runs from the first use: re-presenting the old token does not extend it.
      op.set(entry.key, { ...old, used_at: old.used_at ?? now, successor_hash: next.refresh.hash })
      setTokens(op, keys, next)
      return (await op.commit()).ok ? { status: 'ok' } : CONFLICT
    })
}
