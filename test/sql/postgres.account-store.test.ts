import { sqlAccountStore } from '@grantline/sql'
import { describeAccountStore } from './support/account-store-suite.js'
import { postgresSchema } from './support/postgres.js'

const pg = await postgresSchema()
const driver = pg.open(4)
await pg.migrate(driver)
const store = sqlAccountStore(driver, { dialect: 'postgres' })

describeAccountStore('postgres', async () => {
  await pg.truncate(driver)
  return store
})
