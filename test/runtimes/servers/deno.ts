// The runtime matrix's Deno server: @grantline/deno's serve() over Deno.serve, on Deno KV (a
// file). Env: PORT, GL_SECRET, GL_DATA (a folder for the database).
import { createProvider } from '@grantline/core'
import { denoKvStorage, serve } from '../../../adapters/deno/src/mod.ts'
import { readyLine, runtimeConfig, seedClients } from './fixture.js'

const port = Number(Deno.env.get('PORT') ?? '0')
const origin = `http://127.0.0.1:${port}`
const kv = await Deno.openKv(`${Deno.env.get('GL_DATA') ?? '.'}/deno.kv`)
const config = runtimeConfig({ issuer: `${origin}/o`, secret: Deno.env.get('GL_SECRET') ?? '', storage: denoKvStorage(kv) })
const provider = createProvider(config)
const clients = await seedClients(provider)
await serve(provider, { port, hostname: '127.0.0.1', onClose: () => kv.close() })
console.log(await readyLine('deno', origin, config.accounts, clients))
