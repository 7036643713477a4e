import { describe, expect, it } from 'vitest'
import { authorizeUrl, createClient, expectJsonError, expectLocalPage, post } from '../security/support.js'
import { basic, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'

const TOKEN = `${ISSUER}/token/`
const KIB_64 = 64 * 1024

/** A body delivered in chunks by a stream, so no length is known before it is read. */
function streamOf(chunks: number, chunkSize: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode('a'.repeat(chunkSize))
  let sent = 0
  return new ReadableStream({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(chunk)
      else controller.close()
    },
  })
}

describe('invalid_request at the token endpoint (RFC 6749 §5.2)', () => {
  it('RFC 6749 §4.1.3: a token request without grant_type is invalid_request', async () => {
    const s = setup()
    const c = await createClient(s)
    const body = await expectJsonError(
      await post(s, 'token', { code: 'x' }, { id: c.client_id, secret: c.client_secret }),
      'invalid_request',
    )
    expect(body.error_description).toMatch(/grant_type/)
  })

  it('RFC 6749 §3.1: a parameter repeated in the token request body is invalid_request', async () => {
    const s = setup()
    const c = await createClient(s)
    const response = await s.provider.handle(
      new Request(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.client_id, c.client_secret) },
        body: 'grant_type=client_credentials&scope=read&scope=write',
      }),
    )
    const body = await expectJsonError(response, 'invalid_request')
    expect(body.error_description).toMatch(/scope/)
  })

  it('RFC 6749 §3.1: a parameter repeated in the authorization query is refused on a local page', async () => {
    const s = setup()
    const c = await createClient(s)
    const url = `${authorizeUrl({ client_id: c.client_id, response_type: 'code', redirect_uri: REDIRECT_URI })}&response_type=token`
    const html = await expectLocalPage(await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } })))
    expect(html).toMatch(/invalid_request/)
    expect(html).toMatch(/response_type/)
  })

  it('RFC 6749 §3.2: a GET to the token endpoint is 405 invalid_request with Allow: POST', async () => {
    const s = setup()
    const body = await expectJsonError(await s.provider.handle(new Request(TOKEN)), 'invalid_request', 405)
    expect(body.error_description).toMatch(/POST/)
    const again = await s.provider.handle(new Request(TOKEN))
    expect(again.headers.get('allow')).toBe('POST')
  })

  it('RFC 6749 §3.2: a JSON body is 400 invalid_request, not a server error', async () => {
    const s = setup()
    const c = await createClient(s)
    const response = await s.provider.handle(
      new Request(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(c.client_id, c.client_secret) },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      }),
    )
    const body = await expectJsonError(response, 'invalid_request')
    expect(body.error_description).toMatch(/x-www-form-urlencoded/)
  })

  it('RFC 6749 §2.3.1: client credentials in the token endpoint query string are refused with 400', async () => {
    const s = setup()
    const c = await createClient(s)
    const query = new URLSearchParams({ client_id: c.client_id, client_secret: c.client_secret })
    const response = await s.provider.handle(
      new Request(`${TOKEN}?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }),
    )
    await expectJsonError(response, 'invalid_request')
  })

  it.each(['revoke_token', 'introspect'])('RFC 6749 §2.3.1: credentials in the %s query string are refused with 400', async (endpoint) => {
    const s = setup()
    const c = await createClient(s)
    const query = new URLSearchParams({ client_id: c.client_id, client_secret: c.client_secret, token: 'gl_at_x' })
    const response = await s.provider.handle(
      new Request(`${ISSUER}/${endpoint}/?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      }),
    )
    await expectJsonError(response, 'invalid_request')
  })

  it('RFC 6749 §2.3: a request using two client authentication methods at once is invalid_request', async () => {
    const s = setup()
    const c = await createClient(s)
    const response = await post(
      s,
      'token',
      { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret },
      {
        id: c.client_id,
        secret: c.client_secret,
      },
    )
    const body = await expectJsonError(response, 'invalid_request')
    expect(body.error_description).toMatch(/one client authentication method/)
  })
})

describe('request body cap (docs/architecture.md "The request pipeline": 64 KiB before parsing)', () => {
  const big = `grant_type=client_credentials&pad=${'a'.repeat(KIB_64)}`

  it('RFC 9110 §15.5.14: a body declared larger than 64 KiB is 413 invalid_request', async () => {
    const s = setup()
    const response = await s.provider.handle(
      new Request(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) },
        body: big,
      }),
    )
    await expectJsonError(response, 'invalid_request', 413)
  })

  it('RFC 9110 §15.5.14: a body over 64 KiB without a Content-Length is 413 invalid_request', async () => {
    const s = setup()
    const response = await s.provider.handle(
      new Request(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: streamOf(80, 1024),
        duplex: 'half',
      } as RequestInit),
    )
    await expectJsonError(response, 'invalid_request', 413)
  })

  it('RFC 9110 §15.5.14: a body over 64 KiB whose Content-Length lies is 413 invalid_request', async () => {
    const s = setup()
    const response = await s.provider.handle(
      new Request(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '32' },
        body: streamOf(80, 1024),
        duplex: 'half',
      } as RequestInit),
    )
    await expectJsonError(response, 'invalid_request', 413)
  })

  it('RFC 9110 §15.5.14: the cap counts bytes: a body of fewer than 64 Ki characters but more UTF-8 bytes, whose Content-Length lies, is 413', async () => {
    const s = setup()
    const body = `grant_type=client_credentials&pad=${'é'.repeat(40 * 1024)}`
    expect(body.length).toBeLessThan(KIB_64)
    const response = await s.provider.handle(
      new Request(TOKEN, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '32' },
        body,
      }),
    )
    await expectJsonError(response, 'invalid_request', 413)
  })

  it('RFC 9110 §15.5.14: the cap also guards the authorization endpoint, on a local page', async () => {
    const s = setup()
    const response = await s.provider.handle(
      new Request(`${ISSUER}/authorize/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: streamOf(80, 1024),
        duplex: 'half',
      } as RequestInit),
    )
    await expectLocalPage(response, 413)
  })

  it('RFC 6749 §3.2: a body of exactly 64 KiB is read and answered on its merits', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['client_credentials'], redirect_uris: [] })
    const head = 'grant_type=client_credentials&pad='
    const body = head + 'a'.repeat(KIB_64 - head.length)
    const response = await post(s, 'token', Object.fromEntries(new URLSearchParams(body)), { id: c.client_id, secret: c.client_secret })
    expect(new TextEncoder().encode(body).byteLength).toBe(KIB_64)
    expect(response.status).toBe(200)
  })

  it('RFC 6749 §3.2: more than 100 parameters is invalid_request', async () => {
    const s = setup()
    const body = Array.from({ length: 101 }, (_, i) => `p${i}=x`).join('&')
    const response = await s.provider.handle(
      new Request(TOKEN, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }),
    )
    await expectJsonError(response, 'invalid_request')
  })
})
