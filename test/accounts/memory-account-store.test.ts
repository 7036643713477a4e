import { memoryAccountStore, type UserRecord } from '@grantline/core'
import { describe, expect, it } from 'vitest'

const user = (sub: string, username: string): UserRecord => ({ sub, username, password_hash: 'x', claims: { name: sub }, created_at: 1 })

describe('memoryAccountStore', () => {
  it('keeps usernames and subs unique and copies records in and out', async () => {
    const store = memoryAccountStore()
    expect(await store.createUser(user('s1', 'alice'))).toBe(true)
    expect(await store.createUser(user('s1', 'other'))).toBe(false)
    expect(await store.createUser(user('s2', 'alice'))).toBe(false)
    const read = await store.getUser('s1')
    if (read) read.claims.name = 'changed'
    expect((await store.findUserByUsername('alice'))?.claims).toEqual({ name: 's1' })
    await store.updateUser({ ...user('s1', 'alicia') })
    expect(await store.findUserByUsername('alice')).toBeNull()
    expect((await store.findUserByUsername('alicia'))?.sub).toBe('s1')
    expect(await store.createUser(user('s3', 'alice'))).toBe(true)
    await expect(store.updateUser(user('s3', 'alicia'))).rejects.toThrow()
  })

  it('answers unexpired sessions only and deletes a user’s sessions with the user', async () => {
    const store = memoryAccountStore()
    await store.createUser(user('s1', 'alice'))
    await store.createSession({ hash: 'h1', sub: 's1', auth_time: 100, expires_at: 200 })
    expect(await store.getSession('h1', 199)).toMatchObject({ sub: 's1' })
    expect(await store.getSession('h1', 200)).toBeNull()
    await store.createSession({ hash: 'h2', sub: 's1', auth_time: 100, expires_at: 500 })
    await store.deleteUser('s1')
    expect(await store.getSession('h2', 150)).toBeNull()
  })

  it('counts failures within a sliding window', async () => {
    const store = memoryAccountStore()
    expect(await store.recordFailure('k', 1000, 60)).toBe(1)
    expect(await store.recordFailure('k', 1030, 60)).toBe(2)
    expect(await store.countFailures('k', 1059, 60)).toBe(2)
    expect(await store.countFailures('k', 1060, 60)).toBe(1)
    expect(await store.recordFailure('k', 1090, 60)).toBe(1)
    await store.clearFailures('k')
    expect(await store.countFailures('k', 1090, 60)).toBe(0)
  })
})
