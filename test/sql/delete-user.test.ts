import type { Storage } from '@grantline/core'
import { deleteUserWithGrants, type SqlDialect, type SqlDriver, type SqlStatement, sqlAccountStore, sqlStorage } from '@grantline/sql'
import { FIXTURE_TIME, issuePair, randomHash, seedGrant } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { postgresSchema } from './support/postgres.js'
import { sqliteFiles } from './support/sqlite.js'

const T = FIXTURE_TIME
const files = sqliteFiles()
const pg = await postgresSchema()
const pgDriver = pg.open(4)
await pg.migrate(pgDriver)

const BACKENDS: [SqlDialect, () => Promise<SqlDriver>][] = [
  ['sqlite', async () => (await files.fresh()).driver],
  [
    'postgres',
    async () => {
      await pg.truncate(pgDriver)
      return pgDriver
    },
  ],
]

/** A driver whose statement deleting the user fails, as a lost connection would at that point. */
function failingAtUserDelete(driver: SqlDriver): SqlDriver {
  return {
    ...driver,
    prepare: (sql: string): SqlStatement => driver.prepare(sql.replace('DELETE FROM users', 'DELETE FROM no_such_table')),
  }
}

/** A user with a session and a grant (consent, family, token pair), in one database. */
async function seedUser(driver: SqlDriver, storage: Storage, username: string) {
  const accounts = sqlAccountStore(driver)
  const sub = `sub-${randomHash().slice(0, 12)}`
  await accounts.createUser({ sub, username, password_hash: 'pbkdf2_sha256$1000$s$aA==', claims: {}, created_at: T })
  const session = { hash: randomHash(), sub, auth_time: T, expires_at: T + 3600 }
  await accounts.createSession(session)
  const grant = await seedGrant(storage, { consent: { sub } })
  return { sub, session, grant, pair: await issuePair(storage, grant) }
}

describe.each(BACKENDS)('deleteUserWithGrants on %s', (dialect, open) => {
  it('RFC 9700 §4.14 / RFC 7009 §2.1: the account, its sessions and every grant of the user go together; another user stays', async () => {
    const driver = await open()
    const storage = sqlStorage(driver, { dialect })
    const accounts = sqlAccountStore(driver)
    const alice = await seedUser(driver, storage, 'alice')
    const bob = await seedUser(driver, storage, 'bob')
    await deleteUserWithGrants(driver, alice.sub, T + 1)
    expect(await accounts.getUser(alice.sub)).toBeNull()
    expect(await accounts.getSession(alice.session.hash, T + 2)).toBeNull()
    expect(await storage.findAccessToken(alice.pair.access.hash, T + 2)).toBeNull()
    expect(await storage.findRefreshToken(alice.pair.refresh.hash, T + 2)).toBeNull()
    expect(await storage.listConsents(alice.sub)).toEqual([])
    expect((await accounts.getUser(bob.sub))?.username).toBe('bob')
    expect(await accounts.getSession(bob.session.hash, T + 2)).toEqual(bob.session)
    expect((await storage.findAccessToken(bob.pair.access.hash, T + 2))?.token).toEqual(bob.pair.access)
  })

  it("RFC 9700 §4.14: the applications the user owns go too, with every grant of theirs (DOT deletes a user's applications)", async () => {
    const driver = await open()
    const storage = sqlStorage(driver, { dialect })
    const alice = await seedUser(driver, storage, 'alice')
    // alice's own application, and a grant a machine got through it (client_credentials: no user).
    const app = await seedGrant(storage, { client: { owner_sub: alice.sub }, family: { sub: null, consent_id: null } })
    const machine = await issuePair(storage, app)
    const bob = await seedUser(driver, storage, 'bob')
    await deleteUserWithGrants(driver, alice.sub, T + 1)
    expect(await storage.getClient(app.client.client_id)).toBeNull()
    expect(await storage.findAccessToken(machine.access.hash, T + 2)).toBeNull()
    expect(await storage.getClient(bob.grant.client.client_id)).not.toBeNull()
  })

  it('one transaction: when deleting the account fails, no grant was revoked either', async () => {
    const driver = await open()
    const storage = sqlStorage(driver, { dialect })
    const alice = await seedUser(driver, storage, 'alice')
    await expect(deleteUserWithGrants(failingAtUserDelete(driver), alice.sub, T + 1)).rejects.toThrow()
    expect((await sqlAccountStore(driver).getUser(alice.sub))?.username).toBe('alice')
    expect((await storage.findAccessToken(alice.pair.access.hash, T + 2))?.token).toEqual(alice.pair.access)
    expect(await storage.listConsents(alice.sub)).toEqual([alice.grant.consent])
  })
})
