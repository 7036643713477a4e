import { sqlStorage } from '@grantline/sql'
import { runStorageConformance } from '@grantline/testing/vitest'
import { postgresSchema } from './support/postgres.js'

const pg = await postgresSchema()
// A pool wider than the conformance races (20 at once), so they really overlap across connections.
const driver = pg.open(24)
await pg.migrate(driver)
const storage = sqlStorage(driver, { dialect: 'postgres' })

runStorageConformance('postgres', async () => {
  await pg.truncate(driver)
  return storage
})
