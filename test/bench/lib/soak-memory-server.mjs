// The soak check's server for memoryStorage(), which `grantline serve` does not offer (its storages
// are SQLite and PostgreSQL): the same serve() of @grantline/node, over memoryStorage, with the
// access-token lifetime TTL (seconds) and provider.cleanup() run to the end every CLEAR_EVERY
// seconds, as `grantline tokens clear` is run beside the CLI's server. Prints one JSON line with
// its port and a client_credentials client.
import { createProvider, memoryStorage } from '@grantline/core'
import { serve } from '@grantline/node'

const ttl = Number(process.env.TTL ?? 10)
const clearEvery = Number(process.env.CLEAR_EVERY ?? 10)
const accounts = {
  current: async () => null,
  loginResponse: async () => new Response('login', { status: 401 }),
  logout: async () => new Response(null, { status: 204 }),
  claims: async () => ({}),
}
const provider = createProvider({
  issuer: 'http://127.0.0.1/o',
  storage: memoryStorage(),
  accounts,
  secrets: ['soak-secret-0123456789-abcdefghijklmnopqrstuvwxyz'],
  ttl: { accessToken: ttl },
})
const { client, client_secret } = await provider.clients.create({ client_name: 'soak', grant_types: ['client_credentials'] })
let clearing = false
setInterval(async () => {
  if (clearing) return
  clearing = true
  try {
    while ((await provider.cleanup(1000)) > 0) {}
  } finally {
    clearing = false
  }
}, clearEvery * 1000)
const server = await serve(provider, { port: 0, hostname: '127.0.0.1', log: false })
process.stdout.write(
  `${JSON.stringify({ listening: `http://127.0.0.1:${server.address.port}`, client_id: client.client_id, client_secret })}\n`,
)
