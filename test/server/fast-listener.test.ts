import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toFastListener } from '../../adapters/node/src/fast-listener.js'
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
})
