import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createProvider, memoryStorage } from '@grantline/core'
import { testAccounts } from '@grantline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basic } from '../support/provider.js'

// Taken before @grantline/node is loaded: importing it, serve() and toNodeListener() must change none.
const platform = { Response: globalThis.Response, Request: globalThis.Request, Headers: globalThis.Headers }
const { serve, toNodeListener } = await import('@grantline/node')

/** Whether the host's own Fetch classes are the platform's, built and read the host's way. */
async function hostView() {
  const response = new Response('x')
  const json = Response.json({ a: 1 })
  return {
    globals:
      globalThis.Response === platform.Response && globalThis.Request === platform.Request && globalThis.Headers === platform.Headers,
    instanceOf: response instanceof Response,
    response: Object.getPrototypeOf(response) === platform.Response.prototype,
    request: Object.getPrototypeOf(new Request('http://host.example/')) === platform.Request.prototype,
    headers: Object.getPrototypeOf(new Headers()) === platform.Headers.prototype,
    json: [json.headers.get('content-type'), await json.json()],
    text: await response.text(),
  }
}

const PLATFORM_VIEW = {
  globals: true,
  instanceOf: true,
  response: true,
  request: true,
  headers: true,
  json: ['application/json', { a: 1 }],
  text: 'x',
}

const provider = createProvider({
  issuer: 'http://127.0.0.1/o',
  storage: memoryStorage(),
  accounts: testAccounts([]).accounts,
  secrets: ['test-secret-0123456789-abcdefghijklmnop'],
  onWarning: () => {},
})

describe('@grantline/node leaves the host its own Fetch globals', () => {
  let clientId = ''
  let secret = ''
  const views: unknown[] = []
  let served: Awaited<ReturnType<typeof serve>>
  let mixed: Server
  let mixedBase = ''

  beforeAll(async () => {
    views.push(await hostView())
    const created = await provider.clients.create({ client_name: 'host', grant_types: ['client_credentials'] })
    clientId = created.client.client_id
    secret = created.client_secret ?? ''
    served = await serve(provider, { port: 0, log: false, handleSignals: false })
    views.push(await hostView())
    // A host's server: Grantline under /o/, the host's own node:http handler beside it.
    const grantline = toNodeListener(provider)
    views.push(await hostView())
    mixed = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
      if (incoming.url?.startsWith('/o/')) return grantline(incoming, outgoing)
      hostView().then((view) => outgoing.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(view)))
    })
    await new Promise<void>((resolve) => mixed.listen(0, '127.0.0.1', resolve))
    mixedBase = `http://127.0.0.1:${(mixed.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await served.close()
    await new Promise<void>((resolve) => mixed.close(() => resolve()))
  })

  const token = (base: string) =>
    fetch(`${base}/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
      body: 'grant_type=client_credentials',
    })

  it('Fetch Standard §5.5: Response, Request and Headers stay the platform classes before and after serve() and toNodeListener()', async () => {
    expect(views).toEqual([PLATFORM_VIEW, PLATFORM_VIEW, PLATFORM_VIEW])
  })

  it('RFC 6749 §4.4: serve() still issues tokens, and the globals are the platform classes after it has', async () => {
    const response = await token(`http://127.0.0.1:${served.address.port}`)
    expect(response.status).toBe(200)
    expect(((await response.json()) as { access_token: string }).access_token).toMatch(/^gl_at_/)
    expect(await hostView()).toEqual(PLATFORM_VIEW)
  })

  it("Fetch Standard §5.5: a host's handler on the server Grantline shares sees the platform classes, before and after Grantline answered", async () => {
    const before = await (await fetch(`${mixedBase}/app`)).json()
    expect((await token(mixedBase)).status).toBe(200)
    const after = await (await fetch(`${mixedBase}/app`)).json()
    expect([before, after]).toEqual([PLATFORM_VIEW, PLATFORM_VIEW])
  })

  it("Fetch Standard §5.5: a host's Fetch handler given to toNodeListener builds and returns platform Responses", async () => {
    const built: boolean[] = []
    const listener = toNodeListener({
      handle: async (request: Request) => {
        const response = Response.json({ path: new URL(request.url).pathname, method: request.method })
        built.push(Object.getPrototypeOf(response) === platform.Response.prototype && request instanceof Request)
        return response
      },
    })
    const server = createServer(listener)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hello`)
    await new Promise<void>((resolve) => server.close(() => resolve()))
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.json()).toEqual({ path: '/hello', method: 'GET' })
    expect(built).toEqual([true])
  })
})
