import type { AccountStore, UserRecord } from '@grantline/core'
import { FIXTURE_TIME, randomHash } from './fixtures.js'
import type { TestApi } from './test-api.js'

const T = FIXTURE_TIME

const makeUser = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  sub: `user-${randomHash().slice(0, 12)}`,
  username: `name-${randomHash().slice(0, 8)}`,
  password_hash: 'pbkdf2_sha256$1000$salt$aGFzaA==',
  claims: { name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true, address: { country: 'UK' } },
  created_at: T,
  ...overrides,
})

/**
 * The AccountStore contract, as `memoryAccountStore` keeps it, registered through `t` for a store
 * of `name`: unique usernames, copies, sessions until expiry, failed-login windows.
 */
export function accountStoreConformance(t: TestApi, name: string, makeStore: () => Promise<AccountStore>): void {
  const { describe, expect, it } = t
  describe(`AccountStore: ${name}`, () => {
    it('stores a user, found by sub and by exact username, as a copy', async () => {
      const store = await makeStore()
      const user = makeUser()
      expect(await store.createUser(user)).toBe(true)
      expect(await store.getUser(user.sub)).toEqual(user)
      expect(await store.findUserByUsername(user.username)).toEqual(user)
      expect(await store.findUserByUsername(user.username.toUpperCase())).toBeNull()
      expect(await store.getUser('nobody')).toBeNull()
      const got = await store.getUser(user.sub)
      if (got) got.claims.name = 'mutated'
      expect(await store.getUser(user.sub)).toEqual(user)
    })

    it('refuses a taken username or sub and keeps the first user', async () => {
      const store = await makeStore()
      const user = makeUser()
      await store.createUser(user)
      expect(await store.createUser(makeUser({ username: user.username }))).toBe(false)
      expect(await store.createUser(makeUser({ sub: user.sub }))).toBe(false)
      expect(await store.findUserByUsername(user.username)).toEqual(user)
      expect(await store.listUsers()).toEqual([user])
    })

    it('updateUser replaces the user; a username of another user is refused', async () => {
      const store = await makeStore()
      const [user, other] = [makeUser(), makeUser()]
      await store.createUser(user)
      await store.createUser(other)
      const renamed = { ...user, username: 'renamed', password_hash: 'pbkdf2_sha256$2000$s$aA==', claims: { name: 'New' } }
      await store.updateUser(renamed)
      expect(await store.getUser(user.sub)).toEqual(renamed)
      expect(await store.findUserByUsername(user.username)).toBeNull()
      expect(await store.findUserByUsername('renamed')).toEqual(renamed)
      await expect(store.updateUser({ ...renamed, username: other.username })).rejects.toThrow()
      expect(await store.getUser(user.sub)).toEqual(renamed)
      await store.updateUser(makeUser({ sub: 'nobody' }))
      expect(await store.getUser('nobody')).toBeNull()
    })

    it('deleteUser removes the user and their sessions only', async () => {
      const store = await makeStore()
      const [user, other] = [makeUser(), makeUser()]
      await store.createUser(user)
      await store.createUser(other)
      const mine = { hash: randomHash(), sub: user.sub, auth_time: T, expires_at: T + 3600 }
      const theirs = { hash: randomHash(), sub: other.sub, auth_time: T, expires_at: T + 3600 }
      await store.createSession(mine)
      await store.createSession(theirs)
      await store.deleteUser(user.sub)
      expect(await store.getUser(user.sub)).toBeNull()
      expect(await store.findUserByUsername(user.username)).toBeNull()
      expect(await store.getSession(mine.hash, T + 1)).toBeNull()
      expect(await store.getSession(theirs.hash, T + 1)).toEqual(theirs)
      expect(await store.listUsers()).toEqual([other])
      expect(await store.createUser(makeUser({ username: user.username }))).toBe(true)
    })

    it('listUsers lists every user', async () => {
      const store = await makeStore()
      const users = [makeUser({ created_at: T }), makeUser({ created_at: T + 1 }), makeUser({ created_at: T + 2 })]
      for (const user of users) await store.createUser(user)
      const bySub = (list: UserRecord[]) => [...list].sort((a, b) => a.sub.localeCompare(b.sub))
      expect(bySub(await store.listUsers())).toEqual(bySub(users))
    })

    it('a session is found until it expires (expires_at <= now is expired), then deleted', async () => {
      const store = await makeStore()
      const session = { hash: randomHash(), sub: 'user-1', auth_time: T, expires_at: T + 100 }
      await store.createSession(session)
      expect(await store.getSession(session.hash, T + 99)).toEqual(session)
      expect(await store.getSession(session.hash, T + 100)).toBeNull()
      expect(await store.getSession(randomHash(), T)).toBeNull()
      await store.deleteSession(session.hash)
      expect(await store.getSession(session.hash, T + 1)).toBeNull()
    })

    it('deleteUserSessions ends every session of one user and no other', async () => {
      const store = await makeStore()
      const mine = [1, 2].map(() => ({ hash: randomHash(), sub: 'user-1', auth_time: T, expires_at: T + 3600 }))
      const theirs = { hash: randomHash(), sub: 'user-2', auth_time: T, expires_at: T + 3600 }
      for (const session of [...mine, theirs]) await store.createSession(session)
      await store.deleteUserSessions('user-1')
      for (const session of mine) expect(await store.getSession(session.hash, T + 1)).toBeNull()
      expect(await store.getSession(theirs.hash, T + 1)).toEqual(theirs)
    })

    it('counts failed logins per key within the window, and clears them', async () => {
      const store = await makeStore()
      const window = 300
      expect(await store.recordFailure('username:ada', T, window)).toBe(1)
      expect(await store.recordFailure('username:ada', T + 10, window)).toBe(2)
      expect(await store.recordFailure('ip:127.0.0.1', T + 10, window)).toBe(1)
      expect(await store.countFailures('username:ada', T + 10, window)).toBe(2)
      // A failure at t counts while now - window < t.
      expect(await store.countFailures('username:ada', T + window - 1, window)).toBe(2)
      expect(await store.countFailures('username:ada', T + window, window)).toBe(1)
      expect(await store.recordFailure('username:ada', T + window + 10, window)).toBe(1)
      expect(await store.countFailures('nobody', T, window)).toBe(0)
      await store.clearFailures('username:ada')
      expect(await store.countFailures('username:ada', T + window + 10, window)).toBe(0)
      expect(await store.countFailures('ip:127.0.0.1', T + 10, window)).toBe(1)
    })

    it('cleanupFailures removes the failures made at or before a second, of every key, at most limit at a time', async () => {
      const store = await makeStore()
      const window = 300
      await store.recordFailure('ip:192.0.2.1', T, window)
      await store.recordFailure('ip:192.0.2.2', T + 1, window)
      await store.recordFailure('username:ada', T + 2, window)
      await store.recordFailure('username:ada', T + 100, window)
      expect(await store.cleanupFailures(T + 2, 2)).toBe(2)
      expect(await store.cleanupFailures(T + 2, 2)).toBe(1)
      expect(await store.cleanupFailures(T + 2, 2)).toBe(0)
      // The failure after the cut still counts; the ones before it are gone even for a wider window.
      expect(await store.countFailures('username:ada', T + 100, window)).toBe(1)
      expect(await store.countFailures('ip:192.0.2.1', T + 1, window)).toBe(0)
      expect(await store.countFailures('ip:192.0.2.2', T + 1, window)).toBe(0)
    })
  })
}
