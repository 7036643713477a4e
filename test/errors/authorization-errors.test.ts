import { describe, expect, it } from 'vitest'
import { authorizeUrl, createClient, expectLocalPage, pkcePair, redirectParams } from '../security/support.js'
import { ISSUER, REDIRECT_URI, type Setup, setup } from '../support/provider.js'

/** GETs the authorization endpoint as signed-in user-1. */
function get(s: Setup, params: Record<string, string>): Promise<Response> {
  return s.provider.handle(new Request(authorizeUrl(params), { headers: { cookie: s.users.signIn('user-1') } }))
}

/** Asserts an error redirect to REDIRECT_URI (RFC 6749 §4.1.2.1) carrying error, description, state and iss. */
function expectErrorRedirect(response: Response, error: string, mode: 'query' | 'fragment' = 'query'): URLSearchParams {
  expect(response.status).toBe(302)
  const location = new URL(response.headers.get('location') ?? '')
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI)
  expect(mode === 'fragment' ? location.hash : location.search).not.toBe('')
  const params = redirectParams(response)
  expect(params.get('error')).toBe(error)
  expect(params.get('error_description')?.length ?? 0).toBeGreaterThan(8)
  expect(params.get('state')).toBe('af0ifjsldkj')
  expect(params.get('iss')).toBe(ISSUER)
  expect(params.has('code')).toBe(false)
  return params
}

describe('errors before client and redirect_uri are validated: a local page (RFC 6749 §4.1.2.1)', () => {
  it('RFC 6749 §4.1.2.1: an unknown client_id is shown locally, never redirected', async () => {
    const s = setup()
    const html = await expectLocalPage(await get(s, { client_id: 'nobody', response_type: 'code', redirect_uri: REDIRECT_URI, state: 'x' }))
    expect(html).toMatch(/client_id/)
  })

  it('RFC 6749 §4.1.2.1: a missing client_id is shown locally', async () => {
    const s = setup()
    const html = await expectLocalPage(await get(s, { response_type: 'code', redirect_uri: REDIRECT_URI, state: 'x' }))
    expect(html).toMatch(/client_id/)
  })

  it('RFC 6749 §4.1.2.1: an unregistered redirect_uri is shown locally', async () => {
    const s = setup()
    const c = await createClient(s)
    const html = await expectLocalPage(
      await get(s, { client_id: c.client_id, response_type: 'code', redirect_uri: 'https://evil.example/cb', state: 'x' }),
    )
    expect(html).toMatch(/redirect_uri/)
    expect(html).not.toMatch(/evil\.example/)
  })

  it('RFC 6749 §3.1.2.3: an omitted redirect_uri with several registered is shown locally', async () => {
    const s = setup()
    const c = await createClient(s, { redirect_uris: [REDIRECT_URI, 'https://app.example/other'] })
    await expectLocalPage(await get(s, { client_id: c.client_id, response_type: 'code', state: 'x' }))
  })

  it('RFC 6749 §4.1.2.1: a local page is shown even when other parameters are also wrong', async () => {
    const s = setup()
    const c = await createClient(s)
    await expectLocalPage(
      await get(s, { client_id: c.client_id, response_type: 'bogus', redirect_uri: 'https://evil.example/cb', scope: 'admin' }),
    )
  })

  it('RFC 9110 §15.5.6: a PUT to the authorization endpoint is 405 on a local page', async () => {
    const s = setup()
    await expectLocalPage(await s.provider.handle(new Request(`${ISSUER}/authorize/`, { method: 'PUT' })), 405)
  })
})

describe('errors after validation redirect with error, error_description, state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2)', () => {
  const base = async (s: Setup) => {
    const c = await createClient(s)
    const { challenge } = await pkcePair()
    return {
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state: 'af0ifjsldkj',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }
  }

  it('RFC 6749 §4.1.2.1 invalid_request: a missing response_type', async () => {
    const s = setup()
    const { response_type: _, ...params } = await base(s)
    expect(expectErrorRedirect(await get(s, params), 'invalid_request').get('error_description')).toMatch(/response_type/)
  })

  it('RFC 6749 §4.1.2.1 unsupported_response_type: a response_type the server does not offer', async () => {
    const s = setup()
    expectErrorRedirect(await get(s, { ...(await base(s)), response_type: 'code id_token' }), 'unsupported_response_type')
  })

  it('RFC 6749 §4.1.2.1 unsupported_response_type: response_type=token while implicit is off', async () => {
    const s = setup()
    expectErrorRedirect(await get(s, { ...(await base(s)), response_type: 'token' }), 'unsupported_response_type', 'fragment')
  })

  it('RFC 6749 §4.1.2.1 unauthorized_client: a client not registered for the authorization code grant', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['client_credentials'] })
    expectErrorRedirect(await get(s, { ...(await base(s)), client_id: c.client_id }), 'unauthorized_client')
  })

  it('RFC 6749 §4.1.2.1 invalid_scope: an unknown scope', async () => {
    const s = setup()
    const params = expectErrorRedirect(await get(s, { ...(await base(s)), scope: 'read admin' }), 'invalid_scope')
    expect(params.get('error_description')).toMatch(/admin/)
  })

  it('RFC 6749 §4.1.2.1 invalid_scope: a malformed scope', async () => {
    const s = setup()
    expectErrorRedirect(await get(s, { ...(await base(s)), scope: 'read  write' }), 'invalid_scope')
  })

  it('RFC 6749 §4.1.2.1 access_denied: the user cancels on the consent page (303 after the POST)', async () => {
    const s = setup()
    const cookie = s.users.signIn('user-1')
    const page = await s.provider.handle(new Request(authorizeUrl(await base(s)), { headers: { cookie } }))
    expect(page.status).toBe(200)
    const html = await page.text()
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? ''
    const body = new URLSearchParams({ interaction: field('interaction'), csrf: field('csrf'), deny: 'Cancel' })
    const response = await s.provider.handle(
      new Request(`${ISSUER}/authorize/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body,
      }),
    )
    expect(response.status).toBe(303)
    const params = redirectParams(response)
    expect(params.get('error')).toBe('access_denied')
    expect(params.get('error_description')).toBeTruthy()
    expect(params.get('state')).toBe('af0ifjsldkj')
    expect(params.get('iss')).toBe(ISSUER)
  })

  it('RFC 6749 §4.1.2.1: an error redirect without state carries no state parameter', async () => {
    const s = setup()
    const { state: _, ...params } = await base(s)
    const response = await get(s, { ...params, response_type: 'bogus' })
    expect(redirectParams(response).has('state')).toBe(false)
    expect(redirectParams(response).get('iss')).toBe(ISSUER)
  })
})
