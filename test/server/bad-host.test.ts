import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { withRequestLog } from '../../adapters/node/src/request-log.js'
import { serve, toNodeListener } from '../../adapters/node/src/serve.js'
import { setup } from '../support/provider.js'
import { parseAnswer, rawGet, rawRequest } from './raw-http.js'
import { createWorkspace, type ServerProcess, startServer, stopAllServers, type Workspace } from './support.js'

vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 })

/** Host values that pass the RFC 9110 grammar but that the WHATWG URL parser refuses. */
const UNPARSABLE_HOSTS = ['a:99999', '999.999.999.999', '[::1::2]']

describe('grantline serve: a Host header the URL parser refuses', () => {
  let ws: Workspace
  let server: ServerProcess

  beforeAll(async () => {
    ws = await createWorkspace('sqlite')
    server = await startServer(ws)
  })
  afterAll(async () => {
    await stopAllServers()
    await ws?.dispose()
  })

  it.each(UNPARSABLE_HOSTS)('RFC 9112 §3.2: Host %s is a plain 400, never a 500, on every kind of path', async (host) => {
    for (const path of ['/o/token/', '/o/authorize/?client_id=x', '/demo/callback', '/', '/.well-known/openid-configuration']) {
      const { status, body } = parseAnswer(await rawRequest(server.port, rawGet(path, host)))
      expect(status).toBe(400)
      expect(body).toBe('Bad Request')
    }
    // The server still answers a well-formed request, and printed no stack trace.
    const ok = parseAnswer(await rawRequest(server.port, rawGet('/o/.well-known/jwks.json', `127.0.0.1:${server.port}`)))
    expect(ok.status).toBe(200)
    expect(server.stderr()).toBe('')
    expect(server.stdout()).not.toMatch(/ 500 /)
  })
})

describe('toNodeListener: a Host header the URL parser refuses', () => {
  const s = setup()
  let http: Server
  let port: number

  beforeAll(async () => {
    http = createServer(toNodeListener(s.provider))
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    port = (http.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())))

  it.each(UNPARSABLE_HOSTS)('RFC 9112 §3.2: Host %s is a plain 400', async (host) => {
    for (const path of ['/o/token/', '/o/authorize/?client_id=x', '/.well-known/oauth-authorization-server/o']) {
      const { status, body } = parseAnswer(await rawRequest(port, rawGet(path, host)))
      expect(status).toBe(400)
      expect(body).toBe('Bad Request')
    }
    expect(parseAnswer(await rawRequest(port, rawGet('/.well-known/oauth-authorization-server/o', 'localhost:65535'))).status).toBe(200)
  })

  it('RFC 9112 §3.2: a request with two Host lines is a plain 400 (Node would keep the first silently)', async () => {
    const head = 'GET /.well-known/oauth-authorization-server/o HTTP/1.1\r\nHost: a.example\r\nhost: b.example\r\nConnection: close\r\n\r\n'
    expect(parseAnswer(await rawRequest(port, head))).toEqual({ status: 400, body: 'Bad Request' })
  })
})

describe('the request log and a 500', () => {
  it('a handler that throws answers a plain 500 and writes its one log line, without the error', async () => {
    const lines: string[] = []
    const running = await serve(
      {
        handle: () => {
          throw new Error('secret detail')
        },
      },
      { port: 0, log: (line) => lines.push(line), handleSignals: false },
    )
    const answer = parseAnswer(await rawRequest(running.address.port, rawGet('/o/token/?code=gl_ac_x', 'localhost')))
    await running.close()
    expect(answer).toEqual({ status: 500, body: 'Internal Server Error' })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\S+Z GET \/o\/token\/ 500 [\d.]+ms$/)
  })

  it('a request whose URL does not parse still gets its line when the handler throws', async () => {
    const lines: string[] = []
    const logged = withRequestLog(
      () => Promise.reject(new Error('boom')),
      (line) => lines.push(line),
    )
    // What a listener without the Host check would hand on: `new Request` itself refuses this URL.
    const request = { method: 'GET', url: 'http://a:99999/o/token/' } as Request
    await expect(logged(request)).rejects.toThrow('boom')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\S+Z GET - 500 [\d.]+ms$/)
  })
})
