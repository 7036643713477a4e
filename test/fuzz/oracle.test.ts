import { beforeAll, describe, expect, it } from 'vitest'
import { checkExchange } from './support/checks.js'
import { BASE, createFuzzFixture, type FuzzFixture, ORIGIN } from './support/fixture.js'
import { PropertyViolation } from './support/oauth-errors.js'

/**
 * The fuzz oracle (`checkExchange`) must be able to fail: hand-made responses that break each
 * property are refused, and well-formed ones pass. Otherwise 10,000 green cases would prove nothing.
 */
describe('the fuzz oracle refuses responses that break the properties', () => {
  let fx: FuzzFixture
  beforeAll(async () => {
    fx = await createFuzzFixture()
  })

  const json = (body: unknown, status = 400, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
    })
  const check = (path: string, response: Response, method = 'POST') =>
    checkExchange(fx, { request: new Request(`${ORIGIN}${path}`, { method }), response, echo: () => '' })

  it('accepts a well-formed RFC 6749 §5.2 error from the token endpoint', async () => {
    await expect(check(`${BASE}/token/`, json({ error: 'invalid_grant', error_description: 'the code is invalid' }))).resolves.toBe(
      '400 invalid_grant',
    )
  })

  it.each<[string, () => Response]>([
    ['a 500', () => json({ error: 'server_error', error_description: 'x' }, 500)],
    ['an error code outside RFC 6749 §5.2', () => json({ error: 'server_exploded' })],
    ['an error_description with a double quote', () => json({ error: 'invalid_request', error_description: 'bad "x"' })],
    ['an error body with extra members', () => json({ error: 'invalid_request', stack: 'x' })],
    [
      'an error without no-store',
      () => new Response('{"error":"invalid_request"}', { status: 400, headers: { 'content-type': 'application/json' } }),
    ],
    ['a stack trace', () => json({ error: 'invalid_request', error_description: 'at handle (/srv/app/index.js:1:2)' })],
    ['a client secret in a header', () => json({ error: 'invalid_request' }, 400, { 'x-debug': fx.clients.web.secret ?? '' })],
  ])('refuses %s from the token endpoint', async (_, response) => {
    await expect(check(`${BASE}/token/`, response())).rejects.toBeInstanceOf(PropertyViolation)
  })

  it('refuses a redirect from the authorization endpoint to an unregistered URI, and a 307', async () => {
    const to = (location: string, status = 302) => new Response(null, { status, headers: { location } })
    await expect(
      check(`${BASE}/authorize/`, to('https://evil.example/cb?code=x&iss=https%3A%2F%2Fas.example%2Fo'), 'GET'),
    ).rejects.toBeInstanceOf(PropertyViolation)
    await expect(check(`${BASE}/authorize/`, to('//evil.example/'), 'GET')).rejects.toBeInstanceOf(PropertyViolation)
    await expect(check(`${BASE}/authorize/`, to('https://app.example/cb?code=x', 307), 'GET')).rejects.toBeInstanceOf(PropertyViolation)
    // Registered, with iss (RFC 9207): accepted.
    await expect(check(`${BASE}/authorize/`, to('https://app.example/cb?code=x&iss=https%3A%2F%2Fas.example%2Fo'), 'GET')).resolves.toBe(
      '302 granted',
    )
  })

  it('refuses a page without its security headers, and CORS on the authorization endpoint', async () => {
    const page = new Response('<!doctype html>', { status: 400, headers: { 'content-type': 'text/html', 'cache-control': 'no-store' } })
    await expect(check(`${BASE}/authorize/`, page, 'GET')).rejects.toBeInstanceOf(PropertyViolation)
    const cors = json({ error: 'invalid_request' }, 400, { 'access-control-allow-origin': '*' })
    await expect(check(`${BASE}/authorize/`, cors, 'GET')).rejects.toBeInstanceOf(PropertyViolation)
  })
})
