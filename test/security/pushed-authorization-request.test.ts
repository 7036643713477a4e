import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, location, type Registered, register, via } from '../e2e/support.js'
import { authorizeAs, basic, form, ISSUER, REDIRECT_URI, type Setup, setup } from '../support/provider.js'

const PAR = `${ISSUER}/par/`
const par: oauth.AuthorizationServer = { ...as, pushed_authorization_request_endpoint: PAR }

const request = async () => ({
  response_type: 'code',
  redirect_uri: REDIRECT_URI,
  state: 'xyz',
  code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
  code_challenge_method: 'S256',
})

/** Pushes with oauth4webapi and answers the request_uri. */
async function push(s: Setup, reg: Registered): Promise<string> {
  const response = await oauth.pushedAuthorizationRequest(par, reg.client, reg.auth, await request(), via(s))
  return (await oauth.processPushedAuthorizationResponse(par, reg.client, response)).request_uri
}

const byReference = (clientId: string, requestUri: string) =>
  `${ISSUER}/authorize/?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`

/** A raw POST to the PAR endpoint, for what no real client would send. */
const post = (s: Setup, body: Record<string, string>, headers: Record<string, string> = {}) => {
  const init = form(body)
  return s.provider.handle(new Request(PAR, { ...init, headers: { ...init.headers, ...headers } }))
}

async function errorPage(response: Response, code: string): Promise<void> {
  expect(response.status).toBe(400)
  expect(response.headers.get('location')).toBeNull()
  expect(await response.text()).toContain(code)
}

describe('pushed authorization requests: security (RFC 9126)', () => {
  it('RFC 9126 §4 / §7.3: a request_uri is single use; the second use is invalid_request_uri on a page, never a redirect', async () => {
    const s = setup()
    const reg = await register(s)
    const requestUri = await push(s, reg)
    const cookie = s.users.signIn('user-1')
    const first = await authorizeAs(s, cookie, byReference(reg.client.client_id, requestUri))
    expect(location(first).searchParams.get('code')).toMatch(/^gl_ac_/)
    await errorPage(await authorizeAs(s, cookie, byReference(reg.client.client_id, requestUri)), 'invalid_request_uri')
  })

  it('RFC 9126 §4: a request_uri pushed by another client is invalid_request_uri', async () => {
    const s = setup()
    const victim = await register(s, { client_name: 'Victim' })
    const attacker = await register(s, { client_name: 'Attacker' })
    const requestUri = await push(s, victim)
    await errorPage(
      await authorizeAs(s, s.users.signIn('user-1'), byReference(attacker.client.client_id, requestUri)),
      'invalid_request_uri',
    )
  })

  it('RFC 9126 §4: an expired request_uri is invalid_request_uri', async () => {
    const s = setup()
    const reg = await register(s)
    const requestUri = await push(s, reg)
    s.clock.advance(61)
    await errorPage(await authorizeAs(s, s.users.signIn('user-1'), byReference(reg.client.client_id, requestUri)), 'invalid_request_uri')
  })

  it('RFC 9126 §4: a request_uri that was never pushed is invalid_request_uri', async () => {
    const s = setup()
    const reg = await register(s)
    const guessed = `urn:ietf:params:oauth:request_uri:${'A'.repeat(43)}`
    await errorPage(await authorizeAs(s, s.users.signIn('user-1'), byReference(reg.client.client_id, guessed)), 'invalid_request_uri')
  })

  it('RFC 9126 §2.1: a pushed request carrying request_uri is invalid_request', async () => {
    const s = setup()
    const reg = await register(s)
    const response = await post(
      s,
      { ...(await request()), request_uri: 'urn:ietf:params:oauth:request_uri:abc' },
      {
        authorization: basic(reg.client.client_id, reg.secret!),
      },
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('RFC 9126 §2.1: a pushed request is validated like any other; an unregistered redirect_uri is a JSON error, not a redirect', async () => {
    const s = setup()
    const reg = await register(s)
    const response = await post(
      s,
      { ...(await request()), redirect_uri: 'https://evil.example/cb' },
      {
        authorization: basic(reg.client.client_id, reg.secret!),
      },
    )
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
    const noPkce = await post(
      s,
      { response_type: 'code', redirect_uri: REDIRECT_URI },
      { authorization: basic(reg.client.client_id, reg.secret!) },
    )
    expect(await noPkce.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('code_challenge') })
  })

  it('RFC 9126 §2 / §2.3: a confidential client that does not authenticate is invalid_client (401)', async () => {
    const s = setup()
    const reg = await register(s)
    const response = await post(s, { ...(await request()), client_id: reg.client.client_id })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /)
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
    const wrong = await post(s, await request(), { authorization: basic(reg.client.client_id, 'gl_cs_wrong') })
    expect(wrong.status).toBe(401)
  })

  it('RFC 9126 §2.3 / RFC 6749 §5.2: only POST, and no parameters in the URI', async () => {
    const s = setup()
    const get = await s.provider.handle(new Request(PAR))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
  })

  it('RFC 9126 §5: with par.required, a plain authorization request is refused with invalid_request', async () => {
    const s = setup({ par: { required: true } })
    const reg = await register(s)
    const url = new URL(`${ISSUER}/authorize/`)
    for (const [name, value] of Object.entries({ ...(await request()), client_id: reg.client.client_id })) url.searchParams.set(name, value)
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), url))
    expect(() => oauth.validateAuthResponse(as, reg.client, landed, 'xyz')).toThrow(expect.objectContaining({ error: 'invalid_request' }))
  })

  it("RFC 9126 §6: a client's require_pushed_authorization_requests refuses its plain requests, and only its own", async () => {
    const s = setup()
    const strict = await register(s, { require_pushed_authorization_requests: true })
    const relaxed = await register(s)
    const plain = async (reg: Registered) => {
      const url = new URL(`${ISSUER}/authorize/`)
      for (const [name, value] of Object.entries({ ...(await request()), client_id: reg.client.client_id }))
        url.searchParams.set(name, value)
      return location(await authorizeAs(s, s.users.signIn('user-1'), url))
    }
    expect((await plain(strict)).searchParams.get('error')).toBe('invalid_request')
    expect((await plain(relaxed)).searchParams.get('code')).toMatch(/^gl_ac_/)
    const pushed = await authorizeAs(s, s.users.signIn('user-1'), byReference(strict.client.client_id, await push(s, strict)))
    expect(location(pushed).searchParams.get('code')).toMatch(/^gl_ac_/)
  })

  it('RFC 9126 §1: a user who signs in first comes back to a pushed request that is still pushed, its parameters never in the URL', async () => {
    const s = setup({ par: { required: true } })
    const reg = await register(s)
    const requestUri = await push(s, reg)
    const toLogin = await s.provider.handle(new Request(byReference(reg.client.client_id, requestUri)))
    const returnTo = new URL(location(toLogin).searchParams.get('next') ?? '', ISSUER)
    expect([...returnTo.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    expect(returnTo.searchParams.get('request_uri')).not.toBe(requestUri)
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), returnTo))
    expect(landed.searchParams.get('code')).toMatch(/^gl_ac_/)
    expect(landed.searchParams.get('state')).toBe('xyz')
  })

  it('RFC 6749 §10.10: failed client authentications at the PAR endpoint count toward the rate limit', async () => {
    const s = setup({ rateLimit: { maxFailures: 2, windowSeconds: 60 } })
    const reg = await register(s)
    const attempt = () => post(s, { response_type: 'code' }, { authorization: basic(reg.client.client_id, 'gl_cs_wrong') })
    expect((await attempt()).status).toBe(401)
    expect((await attempt()).status).toBe(401)
    const limited = await attempt()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
  })

  it("RFC 9700 §2.6: CORS at the PAR endpoint as at the token endpoint: the preflight, and the response readable only by the client's own origins", async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public', allowed_cors_origins: ['https://spa.example'] })
    const preflight = await s.provider.handle(
      new Request(PAR, { method: 'OPTIONS', headers: { origin: 'https://spa.example', 'access-control-request-method': 'POST' } }),
    )
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://spa.example')
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/DPoP/)
    const body = { ...(await request()), client_id: reg.client.client_id }
    const own = await post(s, body, { origin: 'https://spa.example' })
    expect(own.status).toBe(201)
    expect(own.headers.get('access-control-allow-origin')).toBe('https://spa.example')
    const foreign = await post(s, body, { origin: 'https://evil.example' })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull()
  })
})
