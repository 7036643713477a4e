import type { Storage } from '@grantline/core'
import { CONFLICT, type KvKeys, retrying } from './kv-keys.ts'

interface RememberedRow {
  expires_at: number
}

/** One key part for a kind and a key, so that no two pairs share it (`a:b` + `c` vs `a` + `b:c`). */
const rememberedId = (kind: string, key: string) => JSON.stringify([kind, key])

/**
 * Single-use values (RFC 7523 §3 `jti`, RFC 9449 §11.1 proofs) on Deno KV: the row is read, and
 * written only by a commit checked on the versionstamp read (null when absent), so of concurrent
 * callers exactly one commits; the others retry, find the value live and are told false. An
 * expired row is taken over the same way. The row is indexed by its expiry for cleanup().
 */
export function rememberMethod(kv: Deno.Kv, keys: KvKeys): Required<Pick<Storage, 'remember'>> {
  return {
    remember(kind, key, expiresAt, now) {
      const id = rememberedId(kind, key)
      return retrying(async () => {
        const entry = await kv.get<RememberedRow>(keys.remembered(id))
        if (entry.value && entry.value.expires_at > now) return false
        const op = kv
          .atomic()
          .check(entry)
          .set(entry.key, { expires_at: expiresAt } satisfies RememberedRow)
          .set(keys.expiry(expiresAt, 'remembered', id), true)
        if (entry.value && entry.value.expires_at !== expiresAt) op.delete(keys.expiry(entry.value.expires_at, 'remembered', id))
        return (await op.commit()).ok ? true : CONFLICT
      })
    },
  }
}
