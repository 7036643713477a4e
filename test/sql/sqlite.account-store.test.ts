import { memoryAccountStore } from '@grantline/core'
import { sqlAccountStore } from '@grantline/sql'
import { describeAccountStore } from './support/account-store-suite.js'
import { sqliteFiles } from './support/sqlite.js'

const files = sqliteFiles()

describeAccountStore('sqlite', async () => sqlAccountStore((await files.fresh()).driver, { dialect: 'sqlite' }))
// The same suite against the reference store, so it pins the contract and not SQL's reading of it.
describeAccountStore('memory (reference)', async () => memoryAccountStore())
