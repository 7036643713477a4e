import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { clientAddress } from '../../adapters/node/src/client-address.js'
import { serve } from '../../adapters/node/src/serve.js'
import { basic, setup } from '../support/provider.js'
import { rawRequest } from './raw-http.js'

/**
 * serve() in-process over a real socket (the CLI's child-process tests cover SIGTERM): the lean
 * listener behind it, the request log, the peer address, onListen/onClose and the graceful close.
 */
describe('serve()', () => {
  it('RFC 6749 §4.4: answers a token request end to end, logs it, and remembers the TCP peer', async () => {
    const addresses: (string | undefined)[] = []
    const s = setup({
      clientAddress: (request) => {
        addresses.push(clientAddress(request))
        return clientAddress(request)
      },
    })
    const created = await s.provider.clients.create({ client_name: 'serve', grant_types: ['client_credentials'] })
    const lines: string[] = []
    let listened: AddressInfo | undefined
    let closed = 0
    const running = await serve(s.provider, {
      port: 0,
      log: (line) => lines.push(line),
      handleSignals: false,
      onListen: (address) => {
        listened = address
      },
      onClose: () => {
        closed++
      },
    })
    const base = `http://127.0.0.1:${running.address.port}`
    expect(listened).toEqual(running.address)

    const response = await fetch(`${base}/o/token/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(created.client.client_id, created.client_secret ?? ''),
      },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', access_token: expect.stringMatching(/^gl_at_/) })
    expect(addresses[0]).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\S+Z POST \/o\/token\/ 200 [\d.]+ms$/)

    await running.close()
    await running.close()
    expect(closed).toBe(1)
    await expect(fetch(`${base}/o/token/`)).rejects.toThrow()
  })

  it('close() lets an in-flight request finish with Connection: close and every Set-Cookie, then runs onClose', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let started = () => {}
    const inFlight = new Promise<void>((resolve) => {
      started = resolve
    })
    const handler = {
      async handle() {
        started()
        await gate
        const response = new Response('done', { headers: { 'x-a': '1' } })
        response.headers.append('set-cookie', 'a=1')
        response.headers.append('set-cookie', 'b=2')
        return response
      },
    }
    let closed = false
    const running = await serve(handler, {
      port: 0,
      log: false,
      handleSignals: false,
      onClose: () => {
        closed = true
      },
    })
    const answer = new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest(`http://127.0.0.1:${running.address.port}/`, { agent: false }, resolve).on('error', reject).end()
    })
    await inFlight
    const closing = running.close()
    release()
    const response = await answer
    let body = ''
    for await (const chunk of response) body += chunk
    await closing
    expect(body).toBe('done')
    expect(response.headers.connection).toBe('close')
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2'])
    expect(closed).toBe(true)
  })

  it('RFC 9112 §9.6: a client that half-closes right after its request still gets the answer, then the connection ends', async () => {
    const s = setup()
    const created = await s.provider.clients.create({ client_name: 'half-close', grant_types: ['client_credentials'] })
    const running = await serve(s.provider, { port: 0, log: false, handleSignals: false })
    const body = 'grant_type=client_credentials'
    const head = [
      'POST /o/token/ HTTP/1.1',
      `Host: 127.0.0.1:${running.address.port}`,
      `Authorization: ${basic(created.client.client_id, created.client_secret ?? '')}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${body.length}`,
    ].join('\r\n')
    const answer = await rawRequest(running.address.port, `${head}\r\n\r\n${body}`, true)
    expect(answer.match(/^HTTP\/1\.1 200 /gm)).toHaveLength(1)
    expect(answer.match(/"access_token":"gl_at_/g)).toHaveLength(1)
    await running.close()
  })
})

describe('serve(): the options and result every adapter shares', () => {
  it('aborting `signal` stops the server gracefully, runs onClose and settles `finished`; the address names its hostname', async () => {
    const controller = new AbortController()
    let closed = false
    const running = await serve(
      { handle: async () => new Response('ok') },
      {
        port: 0,
        log: false,
        handleSignals: false,
        signal: controller.signal,
        onClose: () => {
          closed = true
        },
      },
    )
    expect(running.address).toMatchObject({ hostname: '127.0.0.1', port: expect.any(Number) })
    expect(await (await fetch(`http://127.0.0.1:${running.address.port}/`)).text()).toBe('ok')
    controller.abort()
    await running.finished
    expect(closed).toBe(true)
    await expect(fetch(`http://127.0.0.1:${running.address.port}/`)).rejects.toThrow()
  })
})
