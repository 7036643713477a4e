// Grantline with memory storage on Bun (Bun.serve) or Deno (Deno.serve): the provider's handle is
// the fetch handler itself, as docs/runtimes.md shows. Pre-created rows arrive on CONTROL_PORT.
import { memoryStorage } from '@grantline/core'
import { controlHandler, createBenchProvider, runCleanup, storeRecords } from './grantline-app.mjs'

const env = (name) => (globalThis.Deno ? globalThis.Deno.env.get(name) : process.env[name])
const port = Number(env('PORT') ?? 8080)
const controlPort = Number(env('CONTROL_PORT'))
const storage = memoryStorage()
const provider = await createBenchProvider(storage)
runCleanup(provider)
const control = controlHandler((records) => storeRecords(storage, records))

if (globalThis.Bun) {
  globalThis.Bun.serve({ port, hostname: '127.0.0.1', fetch: provider.handle })
  globalThis.Bun.serve({ port: controlPort, hostname: '127.0.0.1', fetch: control })
} else {
  const quiet = { hostname: '127.0.0.1', onListen() {} }
  globalThis.Deno.serve({ ...quiet, port }, provider.handle)
  globalThis.Deno.serve({ ...quiet, port: controlPort }, control)
}
console.log(JSON.stringify({ ready: true, pid: globalThis.Deno ? globalThis.Deno.pid : process.pid }))
