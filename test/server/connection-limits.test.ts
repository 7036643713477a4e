import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serverOptionsOf } from '../../adapters/node/src/connection-limits.js'
import { type RunningServer, type ServeOptions, serve } from '../../adapters/node/src/serve.js'
import { parseAnswer, rawConnection, rawGet, rawRequest } from './raw-http.js'
import { createWorkspace, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/** A partial request: its headers promise 100 bytes of body and only 7 come. */
const PARTIAL_BODY =
  'POST /o/token/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_t'

/** What the server wrote before closing a connection it gave up on (after any 100 Continue): nothing, or a 408. */
const givenUp = /^(HTTP\/1\.1 100 Continue\r\n\r\n)?(|HTTP\/1\.1 408 [^\r]*\r\n[\s\S]*)$/

/** serve() over a handler that counts the requests it was given; `gate` holds each answer until released. */
async function serveCounting(options: ServeOptions, gate: Promise<void> = Promise.resolve()) {
  const seen = { requests: 0 }
  const running: RunningServer = await serve(
    {
      async handle() {
        seen.requests++
        await gate
        return new Response('ok')
      },
    },
    { port: 0, log: false, handleSignals: false, ...options },
  )
  return { running, port: running.address.port, seen }
}

describe('serve(): slow clients (RFC 9110 §15.5.9, 408 Request Timeout)', () => {
  it('a body that stops coming is given up after requestTimeout: 408 or closed, and the handler never runs', async () => {
    const { running, port, seen } = await serveCounting({ requestTimeout: 300 })
    const slow = rawConnection(port)
    slow.write(PARTIAL_BODY)
    expect(await slow.closed).toMatch(givenUp)
    expect(seen.requests).toBe(0)
    // The server still answers others.
    expect(parseAnswer(await rawRequest(port, rawGet('/', 'localhost'))).status).toBe(200)
    await running.close()
  })

  it('headers that never end are given up after headersTimeout', async () => {
    const { running, port, seen } = await serveCounting({ requestTimeout: 1000, headersTimeout: 300 })
    const slow = rawConnection(port)
    slow.write('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n')
    expect(await slow.closed).toMatch(givenUp)
    expect(seen.requests).toBe(0)
    await running.close()
  })

  it('maxConnections: one connection over the cap is closed unanswered; those within it are answered', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { running, port, seen } = await serveCounting({ maxConnections: 2 }, gate)
    const held = [rawConnection(port), rawConnection(port)]
    for (const connection of held) connection.write(rawGet('/', 'localhost'))
    // Both requests reached the handler: both connections are open and counted.
    await vi.waitFor(() => expect(seen.requests).toBe(2))
    const over = rawConnection(port)
    over.write(rawGet('/', 'localhost'))
    expect(await over.closed).toBe('')
    release()
    for (const connection of held) expect(parseAnswer(await connection.closed)).toEqual({ status: 200, body: 'ok' })
    expect(seen.requests).toBe(2)
    await running.close()
  })

  it('defaults: 30 s for a request, 10 s for its headers, 5 s keep-alive; headersTimeout never above requestTimeout', () => {
    expect(serverOptionsOf({})).toMatchObject({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 })
    expect(serverOptionsOf({ requestTimeout: 2_000 })).toMatchObject({ requestTimeout: 2_000, headersTimeout: 2_000 })
    // node:http checks them on an interval that must not double them (its default is 30 s).
    expect(serverOptionsOf({}).connectionsCheckingInterval).toBeLessThan(10_000)
  })
})

describe('grantline serve: --request-timeout, --max-connections', () => {
  let ws: Workspace
  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
  })
  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  /** A token request whose body has not come yet; resolves once the server took it (100 Continue). */
  async function pendingTokenRequest(port: number) {
    const connection = rawConnection(port)
    connection.write(PARTIAL_BODY.replace('\r\n\r\n', '\r\nExpect: 100-continue\r\n\r\n').replace(/grant_t$/, ''))
    await connection.received('HTTP/1.1 100 Continue')
    return connection
  }

  it('RFC 9110 §15.5.9: --request-timeout 1 gives up a body that stops coming (408 or closed)', async () => {
    const server = await startServer(ws, { args: ['--request-timeout', '1'] })
    const slow = await pendingTokenRequest(server.port)
    slow.write('grant_t')
    expect(await slow.closed).toMatch(givenUp)
    expect(parseAnswer(await rawRequest(server.port, rawGet('/o/.well-known/jwks.json', 'localhost'))).status).toBe(200)
    await server.stop()
  })

  it('--max-connections 2: a third connection is closed unanswered while two requests are in flight', async () => {
    const server = await startServer(ws, { args: ['--max-connections', '2'] })
    const held = [await pendingTokenRequest(server.port), await pendingTokenRequest(server.port)]
    const over = rawConnection(server.port)
    over.write(rawGet('/o/.well-known/jwks.json', 'localhost'))
    expect(await over.closed).toBe('')
    // The two within the cap are answered once their 100 bytes of body come (no client: invalid_client).
    const body = 'grant_type=client_credentials&pad='
    for (const connection of held) connection.write(body.padEnd(100, 'a'))
    for (const connection of held) await connection.received('"error":"invalid_client"')
    await server.stop()
  })

  it('--workers 2 --request-timeout 1: the workers serve with the limit and give up a body that stops coming', async () => {
    const server = await startServer(ws, { args: ['--workers', '2', '--request-timeout', '1'] })
    // node:cluster hands connections to the workers in turn, so these two most likely reach both.
    const slow = await Promise.all([pendingTokenRequest(server.port), pendingTokenRequest(server.port)])
    for (const connection of slow) expect(await connection.closed).toMatch(givenUp)
    expect(await server.stop()).toBe(0)
  })
})
