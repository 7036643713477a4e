import { env } from 'cloudflare:test'
import { d1Driver } from '@grantline/cloudflare'
import { deleteUserWithGrants, sqlAccountStore } from '@grantline/sql'
import { accountStoreConformance, FIXTURE_TIME, issuePair, seedGrant } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { clearDatabase, d1Storage } from './support.js'

const T = FIXTURE_TIME

// The AccountStore contract on real D1 inside workerd, as a Worker with localAccounts uses it.
accountStoreConformance({ describe, it, expect }, 'd1 (workerd)', async () => {
  await clearDatabase()
  return sqlAccountStore(d1Driver(env.DB))
})

describe('deleteUserWithGrants on d1 (workerd)', () => {
  it('RFC 9700 §4.14 / RFC 7009 §2.1: the account, its sessions and every grant of the user go in one D1 batch', async () => {
    const storage = await d1Storage()
    const accounts = sqlAccountStore(d1Driver(env.DB))
    await accounts.createUser({ sub: 'alice', username: 'alice', password_hash: 'pbkdf2_sha256$1000$s$aA==', claims: {}, created_at: T })
    const session = { hash: 'a'.repeat(64), sub: 'alice', auth_time: T, expires_at: T + 3600 }
    await accounts.createSession(session)
    const pair = await issuePair(storage, await seedGrant(storage, { consent: { sub: 'alice' } }))
    const other = await issuePair(storage, await seedGrant(storage, { consent: { sub: 'bob' } }))
    await deleteUserWithGrants(d1Driver(env.DB), 'alice', T + 1)
    expect(await accounts.getUser('alice')).toBeNull()
    expect(await accounts.getSession(session.hash, T + 2)).toBeNull()
    expect(await storage.findAccessToken(pair.access.hash, T + 2)).toBeNull()
    expect(await storage.findRefreshToken(pair.refresh.hash, T + 2)).toBeNull()
    expect((await storage.findAccessToken(other.access.hash, T + 2))?.token).toEqual(other.access)
  })
})
