import type { AccountStore, SessionRecord, UserRecord } from '@grantline/core'
import { CONFLICT, listValues, retrying, write } from './kv-keys.ts'

// Expired sessions are swept a few at a time as new ones are made: cleanupFailures() covers failed logins only.
const SESSION_SWEEP = 100
// Failed logins kept per key: enough for any lockout threshold, small enough for one KV value.
const FAILURES_KEPT = 1000

/**
 * The AccountStore of `localAccounts` on Deno KV: users with a unique username (an index key
 * claimed in the same `atomic()` commit as the user), server-side sessions keyed by the SHA-256 of
 * their cookie, and failed-login counters updated by checked commits. Behaves as
 * `memoryAccountStore` does.
 */
export function denoKvAccountStore(kv: Deno.Kv, options: { prefix?: Deno.KvKey } = {}): AccountStore {
  const prefix = options.prefix ?? ['grantline', 'accounts']
  const k = {
    user: (sub: string): Deno.KvKey => [...prefix, 'user', sub],
    username: (username: string): Deno.KvKey => [...prefix, 'username', username],
    session: (hash: string): Deno.KvKey => [...prefix, 'session', hash],
    userSession: (sub: string, hash: string): Deno.KvKey => [...prefix, 'user_session', sub, hash],
    sessionExpiry: (expiresAt: number, hash: string): Deno.KvKey => [...prefix, 'session_expiry', expiresAt, hash],
    failures: (key: string): Deno.KvKey => [...prefix, 'failures', key],
  }
  const deleteSessions = async (sessions: SessionRecord[]) => {
    for (let i = 0; i < sessions.length; i += 100) {
      await write(() => {
        const op = kv.atomic()
        for (const s of sessions.slice(i, i + 100))
          op.delete(k.session(s.hash)).delete(k.userSession(s.sub, s.hash)).delete(k.sessionExpiry(s.expires_at, s.hash))
        return op
      })
    }
  }
  const sessionsOf = async (sub: string) => {
    const hashes: Deno.KvKey[] = []
    for await (const entry of kv.list({ prefix: [...prefix, 'user_session', sub] })) hashes.push(k.session(String(entry.key.at(-1))))
    const found: SessionRecord[] = []
    for (let i = 0; i < hashes.length; i += 10) {
      for (const entry of await kv.getMany<SessionRecord[]>(hashes.slice(i, i + 10))) if (entry.value) found.push(entry.value)
    }
    return found
  }
  const recent = (list: number[] | null, now: number, windowSeconds: number) => (list ?? []).filter((at) => at > now - windowSeconds)

  return {
    async getUser(sub) {
      return (await kv.get<UserRecord>(k.user(sub))).value
    },
    async findUserByUsername(username) {
      const sub = (await kv.get<string>(k.username(username))).value
      return sub === null ? null : (await kv.get<UserRecord>(k.user(sub))).value
    },
    createUser(user) {
      // A lost check is the answer (sub or username taken), never a reason to retry.
      return retrying(async () => {
        const op = kv
          .atomic()
          .check({ key: k.user(user.sub), versionstamp: null }, { key: k.username(user.username), versionstamp: null })
          .set(k.user(user.sub), user)
          .set(k.username(user.username), user.sub)
        return (await op.commit()).ok
      })
    },
    updateUser(user) {
      return retrying(async () => {
        const entry = await kv.get<UserRecord>(k.user(user.sub))
        if (!entry.value) return undefined
        const owner = await kv.get<string>(k.username(user.username))
        if (owner.value !== null && owner.value !== user.sub) throw new Error(`username "${user.username}" is taken`)
        const op = kv.atomic().check(entry, owner)
        if (entry.value.username !== user.username) op.delete(k.username(entry.value.username))
        op.set(k.username(user.username), user.sub).set(entry.key, user)
        return (await op.commit()).ok ? undefined : CONFLICT
      })
    },
    async deleteUser(sub) {
      const user = (await kv.get<UserRecord>(k.user(sub))).value
      if (!user) return
      await write(() => kv.atomic().delete(k.user(sub)).delete(k.username(user.username)))
      await deleteSessions(await sessionsOf(sub))
    },
    listUsers() {
      return listValues<UserRecord>(kv, [...prefix, 'user'])
    },

    async createSession(session) {
      const expired: SessionRecord[] = []
      const end = [...prefix, 'session_expiry', session.auth_time + 1]
      for await (const entry of kv.list({ start: [...prefix, 'session_expiry'], end }, { limit: SESSION_SWEEP })) {
        const old = (await kv.get<SessionRecord>(k.session(String(entry.key.at(-1))))).value
        if (old && old.expires_at <= session.auth_time) expired.push(old)
        else await write(() => kv.atomic().delete(entry.key))
      }
      await deleteSessions(expired)
      await write(() =>
        kv
          .atomic()
          .set(k.session(session.hash), session)
          .set(k.userSession(session.sub, session.hash), true)
          .set(k.sessionExpiry(session.expires_at, session.hash), true),
      )
    },
    async getSession(hash, now) {
      const session = (await kv.get<SessionRecord>(k.session(hash))).value
      return session && session.expires_at > now ? session : null
    },
    async deleteSession(hash) {
      const session = (await kv.get<SessionRecord>(k.session(hash))).value
      if (session) await deleteSessions([session])
    },
    async deleteUserSessions(sub) {
      await deleteSessions(await sessionsOf(sub))
    },

    recordFailure(key, now, windowSeconds) {
      return retrying(async () => {
        const entry = await kv.get<number[]>(k.failures(key))
        const kept = [...recent(entry.value, now, windowSeconds), now].slice(-FAILURES_KEPT)
        return (await kv.atomic().check(entry).set(entry.key, kept).commit()).ok ? kept.length : CONFLICT
      })
    },
    async countFailures(key, now, windowSeconds) {
      return recent((await kv.get<number[]>(k.failures(key))).value, now, windowSeconds).length
    },
    async clearFailures(key) {
      await write(() => kv.atomic().delete(k.failures(key)))
    },
    async cleanupFailures(before, limit) {
      let removed = 0
      for await (const entry of kv.list<number[]>({ prefix: [...prefix, 'failures'] })) {
        if (removed >= limit) break
        // Checked commits: a failure recorded meanwhile is kept, and the key is left for the next pass.
        const kept = entry.value.filter((at) => at > before)
        const stale = entry.value.length - kept.length
        if (stale === 0) continue
        const op = kv.atomic().check(entry)
        const ok = (await (kept.length === 0 ? op.delete(entry.key) : op.set(entry.key, kept)).commit()).ok
        if (ok) removed += stale
      }
      return removed
    },
  }
}
