import { fileURLToPath } from 'node:url'
import { readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { d1Driver, WORKERD_PBKDF2_ITERATIONS } from '@grantline/cloudflare'
import { createProvider, localAccounts } from '@grantline/core'
import { sqlAccountStore, sqlStorage } from '@grantline/sql'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { D1DatabaseLike } from '../../adapters/cloudflare/src/bindings.js'

const migrations = fileURLToPath(new URL('../../packages/sql/migrations/sqlite', import.meta.url))

// Tooling in Node (a seed script over Miniflare's or wrangler's getPlatformProxy() D1) imports
// the package itself: only the Worker's first event loads cloudflare:workers.
describe('@grantline/cloudflare imported in Node', () => {
  let mf: Miniflare
  let db: D1DatabaseLike
  beforeAll(async () => {
    mf = new Miniflare({ modules: true, script: 'export default {}', compatibilityDate: '2026-04-01', d1Databases: ['DB'] })
    const d1 = await mf.getD1Database('DB')
    for (const migration of await readD1Migrations(migrations)) await d1.batch(migration.queries.map((query) => d1.prepare(query)))
    db = d1 as unknown as D1DatabaseLike
  }, 60_000)
  afterAll(() => mf?.dispose())

  it('RFC 6749 §2: d1Driver stores a client and a user in D1 from Node, the rows the Worker reads', async () => {
    const driver = d1Driver(db)
    const secrets = ['node-import-test-secret-0123456789abcdef']
    const accounts = localAccounts(sqlAccountStore(driver), { secrets, iterations: WORKERD_PBKDF2_ITERATIONS })
    const provider = createProvider({
      issuer: 'https://auth.example/o',
      storage: sqlStorage(driver, { dialect: 'sqlite' }),
      accounts,
      secrets,
    })
    const { client, client_secret } = await provider.clients.create({ client_name: 'Seeded', grant_types: ['client_credentials'] })
    expect(client_secret).toMatch(/^gl_cs_/)
    expect((await provider.clients.get(client.client_id))?.client_name).toBe('Seeded')
    const user = await accounts.users.create({ username: 'alice', password: 'correct horse battery staple', claims: {} })
    expect(user.password_hash).toMatch(/^pbkdf2_sha256\$100000\$/)
  })
})
