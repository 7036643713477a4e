import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FetchHandler, toFastListener } from '../../adapters/node/src/fast-listener.js'
import { basic, setup } from '../support/provider.js'

/**
 * toFastListener: the lean node:http conversion (adapters/node/src/fast-listener.ts) gives the
 * core the same requests and writes the same responses as a Fetch runtime would, over a real
 * socket. Status, headers and bodies are compared with `provider.handle` called directly.
 */
describe('toFastListener', () => {
  const s = setup()
  let server: Server
  let base: string
  let secret = ''
  let clientId = ''
  const seen: Request[] = []

  beforeAll(async () => {
    const created = await s.provider.clients.create({ client_name: 'fast', grant_types: ['client_credentials'] })
    secret = created.client_secret ?? ''
    server = createServer(
      toFastListener((request) => {
        seen.push(request)
        return s.provider.handle(request)
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    clientId = created.client.client_id
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const form = { 'content-type': 'application/x-www-form-urlencoded' }

  it('RFC 6749 §4.4: issues a client_credentials token with the headers of §5.1', async () => {
    const response = await fetch(`${base}/o/token/`, {
      method: 'POST',
      headers: { ...form, authorization: basic(clientId, secret) },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-type')).toContain('application/json')
    const body = (await response.json()) as { access_token: string; token_type: string }
    expect(body.token_type).toBe('Bearer')
    expect(body.access_token).toMatch(/^gl_at_/)
  })

  it('answers errors as the core renders them (401 with the Basic challenge)', async () => {
    const response = await fetch(`${base}/o/token/`, {
      method: 'POST',
      headers: { ...form, authorization: basic(clientId, 'wrong') },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toContain('Basic')
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('refuses a chunked body over the 64 KiB cap with 413 and closes the connection', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/o/token/`, { method: 'POST', headers: form }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      for (let i = 0; i < 20; i++) req.write('a'.repeat(8192))
      req.end()
    })
    expect(status).toBe(413)
  })

  it('answers 400 for a Host header that makes no URL, without calling the core', async () => {
    const before = seen.length
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/o/token/`, { method: 'GET', headers: { host: 'bad host' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(400)
    expect(seen.length).toBe(before)
  })

  it('RFC 9110 §5.3: a repeated Authorization reaches the core joined, never as its first value', async () => {
    // node:http keeps only the first in `incoming.headers`; read alone, it would authenticate.
    const answer = await send(base, '/o/token/', {
      method: 'POST',
      headers: { ...form, Authorization: [basic(clientId, secret), basic(clientId, 'wrong')] },
      body: 'grant_type=client_credentials',
    })
    expect(seen.at(-1)!.headers.get('authorization')).toBe(`${basic(clientId, secret)}, ${basic(clientId, 'wrong')}`)
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_client' })
  })

  it('gives the core a Request: instanceof, headers, and members it does not use directly', async () => {
    await fetch(`${base}/o/token/?a=1`, { method: 'POST', headers: { ...form, 'x-extra': 'yes' }, body: 'grant_type=client_credentials' })
    const request = seen.at(-1)!
    expect(request).toBeInstanceOf(Request)
    expect(request.method).toBe('POST')
    expect(new URL(request.url).search).toBe('?a=1')
    expect(request.headers.get('x-extra')).toBe('yes')
    expect(request.signal).toBeInstanceOf(AbortSignal)
  })

  it('sends HEAD with the headers and no body', async () => {
    const head = await fetch(`${base}/.well-known/oauth-authorization-server/o`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toContain('application/json')
    expect(await head.text()).toBe('')
  })

  it('RFC 9700 §2.6: writes the CORS headers the core adds to a token response after building it, with the body', async () => {
    const origin = 'https://spa.example'
    const cors = await s.provider.clients.create({
      client_name: 'spa',
      grant_types: ['client_credentials'],
      allowed_cors_origins: [origin],
    })
    const response = await fetch(`${base}/o/token/`, {
      method: 'POST',
      headers: { ...form, origin, authorization: basic(cors.client.client_id, cors.client_secret ?? '') },
      body: 'grant_type=client_credentials',
    })
    expect([response.status, response.headers.get('access-control-allow-origin'), response.headers.get('vary')]).toEqual([
      200,
      origin,
      'Origin',
    ])
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(((await response.json()) as { access_token: string }).access_token).toMatch(/^gl_at_/)
  })
})

interface Answer {
  status: number
  /** Name, value, ... as sent on the wire. */
  raw: string[]
  body: string
}

/** One request over node:http, whose header arrays are sent as repeated fields. */
function send(base: string, path: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: string } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    // `path` as the request target, so that it may also be in absolute form.
    const req = httpRequest(base, { path, method: options.method ?? 'GET', headers: options.headers }, (res: IncomingMessage) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: res.rawHeaders, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The values of one response field, in order, by its lowercase name. */
const field = (answer: Answer, name: string) => answer.raw.filter((_, i) => i % 2 === 1 && answer.raw[i - 1]!.toLowerCase() === name)

/**
 * The Headers the listener gives the core, and the Responses it writes, compared with what Fetch
 * does with the same fields: a handler set by each test answers instead of the core.
 */
describe('toFastListener: request headers and response headers', () => {
  let server: Server
  let base: string
  let handler: FetchHandler

  beforeAll(async () => {
    server = createServer(toFastListener((request, bindings) => handler(request, bindings)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  /** Sends the request and answers the Request the handler was given. */
  async function received(headers: OutgoingHttpHeaders, path = '/'): Promise<Request> {
    let request: Request | undefined
    handler = async (r) => {
      request = r
      return new Response(null, { status: 204 })
    }
    expect((await send(base, path, { headers })).status).toBe(204)
    return request!
  }

  it('RFC 9110 §5.3: get joins a repeated field with ", " as Fetch Headers.get does; get and has ignore case', async () => {
    const { headers } = await received({ 'x-dup': ['a', 'b'], 'X-Single': 'one' })
    const fetchHeaders = new Headers([
      ['x-dup', 'a'],
      ['x-dup', 'b'],
    ])
    expect(headers.get('x-dup')).toBe(fetchHeaders.get('x-dup'))
    expect(headers.get('X-DUP')).toBe('a, b')
    expect(headers.get('x-single')).toBe('one')
    expect(headers.get('X-Single')).toBe('one')
    expect(headers.has('X-Dup')).toBe(true)
    expect(headers.get('x-absent')).toBeNull()
    expect(headers.has('x-absent')).toBe(false)
    expect(() => headers.get('not a name')).toThrow(TypeError)
  })

  it('is a Headers: instanceof, iteration and every other member answer as the real Headers', async () => {
    const { headers } = await received({ 'x-dup': ['a', 'b'], 'x-single': 'one' })
    expect(headers).toBeInstanceOf(Headers)
    expect(Object.prototype.toString.call(headers)).toBe('[object Headers]')
    expect(Object.fromEntries(headers)).toMatchObject({ 'x-dup': 'a, b', 'x-single': 'one' })
    expect([...headers.keys()]).toContain('x-dup')
    const each: string[] = []
    headers.forEach((value, name) => {
      each.push(`${name}=${value}`)
    })
    expect(each).toContain('x-dup=a, b')
    expect(new Headers(headers).get('x-dup')).toBe('a, b')
    headers.set('x-single', 'two')
    headers.delete('x-dup')
    expect(headers.get('x-single')).toBe('two')
    expect(headers.has('x-dup')).toBe(false)
  })

  it('answers from the real Request once a member built it', async () => {
    const request = await received({ 'x-dup': ['a', 'b'] }, '/?q=1')
    expect(request.signal).toBeInstanceOf(AbortSignal)
    expect(request.headers.get('x-dup')).toBe('a, b')
    expect(request.headers).toBeInstanceOf(Headers)
  })

  it('writes a Response whose headers changed after it was built with the change', async () => {
    handler = async () => {
      const response = new Response('changed', { headers: { 'x-a': '1', 'cache-control': 'no-store' } })
      response.headers.set('x-a', '2')
      response.headers.delete('cache-control')
      response.headers.append('set-cookie', 'a=1')
      response.headers.append('set-cookie', 'b=2')
      return response
    }
    const answer = await send(base, '/')
    expect(answer.body).toBe('changed')
    expect(field(answer, 'x-a')).toEqual(['2'])
    expect(field(answer, 'cache-control')).toEqual([])
    expect(field(answer, 'set-cookie')).toEqual(['a=1', 'b=2'])
    expect(field(answer, 'content-type')).toEqual(['text/plain;charset=UTF-8'])
  })

  it('writes an untouched record as Headers reads it: lowercase names, trimmed values, text/plain for a string', async () => {
    handler = async () => new Response('héllo', { headers: { 'X-Trace': ' t1 ', 'set-cookie': 's=1' } })
    const text = await send(base, '/')
    expect(text.raw).toContain('x-trace')
    expect(text.raw).not.toContain('X-Trace')
    expect(field(text, 'x-trace')).toEqual(['t1'])
    expect(field(text, 'set-cookie')).toEqual(['s=1'])
    expect(field(text, 'content-type')).toEqual(['text/plain;charset=UTF-8'])
    expect(field(text, 'content-length')).toEqual([String(Buffer.byteLength('héllo'))])

    handler = async () => new Response('{}', { headers: { 'content-type': 'application/json' } })
    expect(field(await send(base, '/'), 'content-type')).toEqual(['application/json'])
    // Bytes have no default type, as with Fetch.
    handler = async () => new Response(new TextEncoder().encode('bytes'))
    const bytes = await send(base, '/')
    expect(field(bytes, 'content-type')).toEqual([])
    expect(bytes.body).toBe('bytes')
    // Two names that differ only in case are one field, as in Headers.
    handler = async () => new Response(null, { status: 204, headers: { 'X-Pair': 'a', 'x-pair': 'b' } })
    const pair = await send(base, '/')
    expect(field(pair, 'x-pair')).toEqual(['a, b'])
    expect(field(pair, 'content-length')).toEqual([])
  })

  it('writes a frozen record shared by many responses the same each time, for a string body and for bytes', async () => {
    const shared = Object.freeze({ 'Content-Type': 'application/json', 'cache-control': ' no-store ' })
    for (const body of ['{"a":1}', '{"b":22}', new TextEncoder().encode('{}')]) {
      handler = async () => new Response(body, { headers: shared })
      const answer = await send(base, '/')
      expect(field(answer, 'content-type')).toEqual(['application/json'])
      expect(field(answer, 'cache-control')).toEqual(['no-store'])
      expect(field(answer, 'content-length')).toEqual([String(typeof body === 'string' ? body.length : body.byteLength)])
    }
    expect(shared).toEqual({ 'Content-Type': 'application/json', 'cache-control': ' no-store ' })
  })

  it('keeps every Set-Cookie when a header was already set on the ServerResponse (as serve() does when closing)', async () => {
    handler = async (_request, { outgoing }) => {
      outgoing.setHeader('connection', 'close')
      const response = new Response(null, { status: 303, headers: { location: '/next' } })
      response.headers.append('set-cookie', 'a=1')
      response.headers.append('set-cookie', 'b=2')
      return response
    }
    const answer = await send(base, '/')
    expect(answer.status).toBe(303)
    expect(field(answer, 'set-cookie')).toEqual(['a=1', 'b=2'])
    expect(field(answer, 'connection')).toEqual(['close'])
    expect(field(answer, 'location')).toEqual(['/next'])
    expect(field(answer, 'content-length')).toEqual(['0'])
  })

  it('answers requests that arrive together each with its own response; a handler that throws before returning fails only its own', async () => {
    handler = (request) => {
      const n = new URL(request.url).searchParams.get('n')
      // Not async: this throws before any promise exists.
      if (n === '7') throw new Error('boom')
      return Promise.resolve(new Response(`answer ${n}`))
    }
    const numbers = Array.from({ length: 16 }, (_, n) => n)
    const answers = await Promise.all(numbers.map((n) => send(base, `/?n=${n}`)))
    expect(answers.map((answer) => [answer.status, answer.body])).toEqual(
      numbers.map((n) => (n === 7 ? [500, 'Internal Server Error'] : [200, `answer ${n}`])),
    )
    // The server still answers afterwards.
    expect((await send(base, '/?n=1')).body).toBe('answer 1')
  })

  it('RFC 9112 §3.2.2: takes a target in absolute form; a backslash in the path is a 400', async () => {
    const request = await received({}, 'http://other.example/a?b=1')
    expect(request.url).toBe('http://other.example/a?b=1')
    expect((await send(base, '/a\\b')).status).toBe(400)
    expect((await received({}, '/a?b=\\')).url).toMatch(/\/a\?b=/)
  })
})
