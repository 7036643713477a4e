// Grantline with memory storage on Bun (@grantline/bun's serve(), as its quick start in
// docs/runtimes.md, which answers in turns) or Deno (Deno.serve with the provider's handle as the
// fetch handler). Pre-created rows arrive on CONTROL_PORT.
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
  const { serve } = await import('@grantline/bun')
  await serve(provider, { port, hostname: '127.0.0.1', handleSignals: false })
  globalThis.Bun.serve({ port: controlPort, hostname: '127.0.0.1', fetch: control })
} else {
  const quiet = { hostname: '127.0.0.1', onListen() {} }
  globalThis.Deno.serve({ ...quiet, port }, provider.handle)
  globalThis.Deno.serve({ ...quiet, port: controlPort }, control)
}
console.log(JSON.stringify({ ready: true, pid: globalThis.Deno ? globalThis.Deno.pid : process.pid }))
