// The runtime matrix's Bun server: @grantline/bun's serve() over Bun.serve, on SQLite through
// bun:sqlite. Env: PORT, GL_SECRET, GL_DATA (a folder for the database).
import { join } from 'node:path'
import { bunSqliteDriver, serve } from '@grantline/bun'
import { createProvider } from '@grantline/core'
import { migrate, sqlStorage } from '@grantline/sql'
import { readyLine, runtimeConfig, seedClients } from './fixture.js'

const port = Number(Bun.env.PORT ?? '0')
const origin = `http://127.0.0.1:${port}`
const driver = bunSqliteDriver(join(Bun.env.GL_DATA ?? '.', 'bun.sqlite'))
await migrate(driver, 'sqlite')
const config = runtimeConfig({ issuer: `${origin}/o`, secret: Bun.env.GL_SECRET ?? '', storage: sqlStorage(driver, { dialect: 'sqlite' }) })
const provider = createProvider(config)
const clients = await seedClients(provider)
await serve(provider, { port, hostname: '127.0.0.1', onClose: () => driver.close?.() })
console.log(await readyLine('bun', origin, config.accounts, clients))
