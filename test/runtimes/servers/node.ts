// The runtime matrix's Node server: @grantline/node's serve() over node:http (its fast listener), on SQLite
// (better-sqlite3). Env: PORT, GL_SECRET, GL_DATA (a folder for the database).
import { join } from 'node:path'
import { createProvider } from '@grantline/core'
import { serve, sqliteDriver } from '@grantline/node'
import { migrate, sqlStorage } from '@grantline/sql'
import { readyLine, runtimeConfig, seedClients } from './fixture.js'

const { PORT = '0', GL_SECRET = '', GL_DATA = '.' } = process.env
const origin = `http://127.0.0.1:${PORT}`
const driver = sqliteDriver(join(GL_DATA, 'node.sqlite'))
await migrate(driver, 'sqlite')
const config = runtimeConfig({ issuer: `${origin}/o`, secret: GL_SECRET, storage: sqlStorage(driver, { dialect: 'sqlite' }) })
const provider = createProvider(config)
const clients = await seedClients(provider)
await serve(provider, { port: Number(PORT), hostname: '127.0.0.1', log: false, onClose: () => driver.close?.() })
console.log(await readyLine('node', origin, config.accounts, clients))
