import { createServer, type RequestListener, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'
import { toNodeListener } from '@grantline/node'
import { getRequestListener } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/**
 * The same raw HTTP/1.1, byte for byte, to Grantline's node:http listener and to @hono/node-server
 * (a maintained conversion, told to leave the globals alone), each wrapping a handler that records
 * what the core would see of the request: method, url, the fields as `get` answers them (what the
 * core calls), the fields as entries, and the body bytes. The two recordings must be equal.
 */

interface Seen {
  method: string
  url: string
  get: Record<string, string | null>
  has: Record<string, boolean>
  entries: [string, string][]
  body: string
}

// The names the requests below send, in several cases: the core reads fields with get and has.
const NAMES = ['host', 'Authorization', 'content-type', 'accept', 'x-odd', 'X-Repeat', 'cookie', 'content-length', 'expect', 'set-cookie']

function recorder(log: Seen[]) {
  return async (request: Request): Promise<Response> => {
    const get: Seen['get'] = {}
    const has: Seen['has'] = {}
    for (const name of NAMES) {
      get[name] = request.headers.get(name)
      has[name] = request.headers.has(name)
    }
    const seen: Seen = {
      method: request.method,
      url: request.url,
      get,
      has,
      entries: [...request.headers],
      body: Buffer.from(await request.arrayBuffer()).toString('hex'),
    }
    log.push(seen)
    return new Response(`seen ${log.length}`, { headers: { 'x-seen': String(log.length) } })
  }
}

/** One keep-alive connection the test writes raw bytes to, waiting for the n-th recorded answer. */
function connection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1')
  let answer = ''
  let waiting: { pattern: RegExp; resolve: () => void; reject: (error: Error) => void } | undefined
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => {
    answer += chunk
    if (waiting?.pattern.test(answer)) waiting.resolve()
  })
  socket.on('error', () => {})
  // A connection the server closed unanswered fails the test with what it wrote, instead of a timeout.
  socket.on('close', () => waiting?.reject(new Error(`closed before ${waiting.pattern}: ${answer.slice(-300)}`)))
  const until = (pattern: RegExp) =>
    pattern.test(answer) ? Promise.resolve() : new Promise<void>((resolve, reject) => (waiting = { pattern, resolve, reject }))
  return {
    write: (data: string | Buffer) => socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data),
    until,
    answered: (n: number) => until(new RegExp(`x-seen: ${n}\\r\\n`, 'i')),
    end: () => socket.destroy(),
  }
}

interface Side {
  server: Server
  port: number
  log: Seen[]
}

async function side(listener: (log: Seen[]) => RequestListener): Promise<Side> {
  const log: Seen[] = []
  const server = createServer(listener(log))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return { server, port: typeof address === 'object' && address ? address.port : 0, log }
}

const big = `a=${'x'.repeat(60 * 1024)}`
const utf8 = Buffer.from('grant_type=client_credentials&name=Ünïcødé ✓', 'utf8')

/** One request per entry, sent in order on one keep-alive connection; `afterContinue` is the body sent once the server said 100 Continue. */
const REQUESTS: { name: string; head: string; body?: string | Buffer; afterContinue?: string }[] = [
  {
    name: 'GET with a query string',
    head: 'GET /o/authorize?client_id=a%20b&scope=openid+profile&x=%E2%9C%93&empty=&flag HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
  },
  { name: 'percent-encoding in the path', head: 'GET /o/some%2Fpath/%7Euser/%41?q=%25 HTTP/1.1\r\nHost: as.example:8443\r\n\r\n' },
  { name: 'an empty query', head: 'GET /o/token/? HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' },
  {
    name: 'odd headers: case, padding, empty, tab, obs-text',
    head: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-ODD:   padded\tvalue   \r\nAccept:\r\nX-Repeat: caf\xe9\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n',
  },
  {
    name: 'repeated headers',
    head: 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic YTpi\r\nauthorization: Bearer t\r\nX-Repeat: 1\r\nx-repeat: 2\r\nCookie: a=1\r\nCookie: b=2\r\nSet-Cookie: s=1\r\nSet-Cookie: t=2\r\nAccept: a\r\nAccept: b\r\n\r\n',
  },
  { name: 'IPv6 Host', head: 'GET /o/.well-known/openid-configuration HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n' },
  {
    name: 'POST form with Content-Length',
    head: `POST /o/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${utf8.length}\r\n\r\n`,
    body: utf8,
  },
  {
    name: 'chunked body with a chunk extension and a trailer',
    head: 'POST /o/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n',
    body: '5;ext=1\r\ngrant\r\n12\r\n_type=client_crede\r\n8\r\nntials&a\r\n0\r\nX-Trailer: t\r\n\r\n',
  },
  {
    name: 'a large body (60 KiB) in many chunks',
    head: 'POST /o/register HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n',
    body: `${big
      .match(/.{1,1000}/gs)!
      .map((part) => `${part.length.toString(16)}\r\n${part}\r\n`)
      .join('')}0\r\n\r\n`,
  },
  { name: 'binary body', head: 'PUT /o/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n\r\n', body: Buffer.from([0, 255, 13, 10]) },
  { name: 'HEAD', head: 'HEAD /o/jwks?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' },
  { name: 'DELETE with no body', head: 'DELETE /o/register/abc HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n\r\n' },
  { name: 'PATCH', head: 'PATCH /o/p HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n', body: '{}' },
  {
    name: 'OPTIONS preflight',
    head: 'OPTIONS /o/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: POST\r\n\r\n',
  },
  { name: 'a GET with a body (ignored)', head: 'GET /o/userinfo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\n', body: 'abc' },
  { name: 'dot segments', head: 'GET /o/a/../b/./c/%2e%2E/d HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' },
  { name: 'characters the URL parser escapes', head: 'GET /o/{x}|"y"^`z`?q={"a":1}|^` HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' },
  { name: 'TRACE', head: 'TRACE /o/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' },
  { name: 'absolute-form target', head: 'GET http://as.example/o/authorize?a=1 HTTP/1.1\r\nHost: other.example\r\n\r\n' },
  {
    name: 'Expect: 100-continue',
    head: 'POST /o/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 29\r\n\r\n',
    afterContinue: 'grant_type=client_credentials',
  },
]

describe('Node HTTP conversion against @hono/node-server', () => {
  let grantline: Side
  let hono: Side

  beforeAll(async () => {
    grantline = await side((log) => toNodeListener({ handle: recorder(log) }))
    hono = await side((log) => getRequestListener(recorder(log), { overrideGlobalObjects: false }))
  })
  afterAll(async () => {
    for (const { server } of [grantline, hono]) {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  /** Sends every request on one keep-alive connection, each after the previous one's answer. */
  async function sendAll(port: number): Promise<void> {
    const c = connection(port)
    for (const [i, request] of REQUESTS.entries()) {
      c.write(request.head)
      if (request.body !== undefined) c.write(request.body)
      if (request.afterContinue !== undefined) {
        await c.until(/HTTP\/1\.1 100 Continue\r\n\r\n/)
        c.write(request.afterContinue)
      }
      await c.answered(i + 1)
    }
    c.end()
  }

  it('RFC 9112 §9.3: every request on one persistent connection reaches the core as @hono/node-server gives it', async () => {
    await sendAll(grantline.port)
    await sendAll(hono.port)
    expect(grantline.log).toHaveLength(REQUESTS.length)
    for (const [i, request] of REQUESTS.entries()) expect(grantline.log[i], request.name).toEqual(hono.log[i])
  })

  it('RFC 9112 §3.2: request.url is the target as the WHATWG URL parser writes it, as `new Request(url).url` would be', async () => {
    const targets: [host: string, target: string][] = [
      ['AS.Example:80', '/o/x'],
      ['127.0.0.1:8080', '/o/.well-known/openid-configuration'],
      ['127.0.0.1', "/o/a/.../b/./../c?q='x'&r=%zz"],
      ['[0:0::1]', '/o/%2E%2e/x?a=<b>%20c'],
    ]
    const before = grantline.log.length
    const c = connection(grantline.port)
    for (const [i, [host, target]] of targets.entries()) {
      c.write(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 'utf8'))
      await c.answered(before + i + 1)
    }
    c.end()
    const urls = grantline.log.slice(before).map((seen) => seen.url)
    expect(urls).toEqual(targets.map(([host, target]) => new Request(`http://${host}${target}`).url))
  })

  it('RFC 9112 §9.3.2: pipelined requests reach the core in order, as with @hono/node-server', async () => {
    const pipelined =
      'GET /o/a?1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nPOST /o/b HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n\r\nzGET /o/c HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
    for (const s of [grantline, hono]) {
      const before = s.log.length
      const c = connection(s.port)
      c.write(pipelined)
      await c.answered(before + 3)
      c.end()
    }
    // The core may see them in another order (a body is read before its request is handed on);
    // node:http still answers them in order.
    const byUrl = (log: Seen[]) => log.slice(-3).sort((a, b) => a.url.localeCompare(b.url))
    expect(byUrl(grantline.log)).toEqual(byUrl(hono.log))
    expect(byUrl(grantline.log).map((seen) => seen.url)).toEqual(['http://127.0.0.1/o/a?1', 'http://127.0.0.1/o/b', 'http://127.0.0.1/o/c'])
  })

  it('RFC 9110 §8.6: a body over the 64 KiB cap reaches the core as its first 64 KiB + 1 bytes (the core answers 413)', async () => {
    const body = Buffer.alloc(100 * 1024, 'b')
    const head = `POST /o/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n`
    for (const s of [grantline, hono]) {
      const before = s.log.length
      const c = connection(s.port)
      c.write(head)
      c.write(body)
      await c.answered(before + 1)
      c.end()
    }
    const [ours, theirs] = [grantline.log.at(-1)!, hono.log.at(-1)!]
    expect(theirs.body).toBe(body.toString('hex'))
    expect(ours.body).toBe(body.subarray(0, 64 * 1024 + 1).toString('hex'))
    expect({ ...ours, body: '' }).toEqual({ ...theirs, body: '' })
  })
})
