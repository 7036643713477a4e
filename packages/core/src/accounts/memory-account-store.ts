import type { AccountStore, SessionRecord, UserRecord } from '../contracts/account-store.js'

/**
 * An in-memory AccountStore for tests and single-process development: everything is lost on
 * restart and nothing is shared between instances. Records are copied in and out, as a database
 * would, so callers cannot change stored state by mutating a returned object.
 */
export function memoryAccountStore(): AccountStore {
  const users = new Map<string, UserRecord>()
  const subsByUsername = new Map<string, string>()
  const sessions = new Map<string, SessionRecord>()
  const failures = new Map<string, number[]>()

  const recent = (key: string, now: number, windowSeconds: number) => (failures.get(key) ?? []).filter((at) => at > now - windowSeconds)

  const copy = (user: UserRecord | undefined) => (user ? structuredClone(user) : null)

  return {
    async getUser(sub) {
      return copy(users.get(sub))
    },
    async findUserByUsername(username) {
      const sub = subsByUsername.get(username)
      return sub === undefined ? null : copy(users.get(sub))
    },
    async createUser(user) {
      if (users.has(user.sub) || subsByUsername.has(user.username)) return false
      users.set(user.sub, structuredClone(user))
      subsByUsername.set(user.username, user.sub)
      return true
    },
    async updateUser(user) {
      const previous = users.get(user.sub)
      if (!previous) return
      const owner = subsByUsername.get(user.username)
      if (owner !== undefined && owner !== user.sub) throw new Error(`username "${user.username}" is taken`)
      subsByUsername.delete(previous.username)
      subsByUsername.set(user.username, user.sub)
      users.set(user.sub, structuredClone(user))
    },
    async deleteUser(sub) {
      const user = users.get(sub)
      if (!user) return
      users.delete(sub)
      subsByUsername.delete(user.username)
      for (const [hash, session] of sessions) if (session.sub === sub) sessions.delete(hash)
    },
    async listUsers() {
      return [...users.values()].map((user) => structuredClone(user))
    },

    async createSession(session) {
      // Expired rows would otherwise accumulate: cleanupFailures() covers failed logins only.
      for (const [hash, old] of sessions) if (old.expires_at <= session.auth_time) sessions.delete(hash)
      sessions.set(session.hash, { ...session })
    },
    async getSession(hash, now) {
      const session = sessions.get(hash)
      return session && session.expires_at > now ? { ...session } : null
    },
    async deleteSession(hash) {
      sessions.delete(hash)
    },
    async deleteUserSessions(sub) {
      for (const [hash, session] of sessions) if (session.sub === sub) sessions.delete(hash)
    },

    async recordFailure(key, now, windowSeconds) {
      const kept = [...recent(key, now, windowSeconds), now]
      failures.set(key, kept)
      return kept.length
    },
    async countFailures(key, now, windowSeconds) {
      const kept = recent(key, now, windowSeconds)
      if (kept.length === 0) failures.delete(key)
      return kept.length
    },
    async clearFailures(key) {
      failures.delete(key)
    },
    async cleanupFailures(before, limit) {
      let removed = 0
      for (const [key, times] of failures) {
        // Each list is in the order the failures came, oldest first.
        const stale = Math.min(times.filter((at) => at <= before).length, limit - removed)
        if (stale === 0) continue
        removed += stale
        if (stale === times.length) failures.delete(key)
        else failures.set(key, times.slice(stale))
        if (removed === limit) break
      }
      return removed
    },
  }
}
