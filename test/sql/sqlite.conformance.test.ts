import { sqlStorage } from '@grantline/sql'
import { runStorageConformance } from '@grantline/testing/vitest'
import { sqliteFiles } from './support/sqlite.js'

const files = sqliteFiles()

// A fresh, migrated database file for every test. The conformance races here run in one
// process against a synchronous driver, which proves little: races.test.ts races processes.
runStorageConformance('sqlite', async () => sqlStorage((await files.fresh()).driver, { dialect: 'sqlite' }))
