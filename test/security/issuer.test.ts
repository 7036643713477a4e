import { describe, expect, it } from 'vitest'
import { consentFields, form, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { authorizeUrl, createClient, introspect, pkcePair, redeem, redirectParams } from './support.js'

const SPOOF = {
  host: 'evil.example',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'http',
  'x-forwarded-prefix': '/evil',
  forwarded: 'host=evil.example;proto=http',
}
const SPOOFED_BASE = 'http://evil.example/o'

describe('RFC 9207 §2 / RFC 9700 §4.13: the issuer comes from configuration, never from the request', () => {
  it('RFC 9207 §2: iss in the code response stays the configured issuer under spoofed Host headers', async () => {
    const s = setup()
    const c = await createClient(s)
    const cookie = s.users.signIn('user-1')
    const { challenge, verifier } = await pkcePair()
    const url = authorizeUrl(
      {
        client_id: c.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        state: 'st',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
      SPOOFED_BASE,
    )
    const page = await s.provider.handle(new Request(url, { headers: { ...SPOOF, cookie } }))
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).not.toContain('evil.example')
    const { headers, ...init } = form({ ...consentFields(html), allow: 'Authorize' })
    const decision = await s.provider.handle(
      new Request(`${SPOOFED_BASE}/authorize/`, { ...init, headers: { ...headers, ...SPOOF, cookie } }),
    )
    const params = redirectParams(decision)
    expect(params.get('iss')).toBe(ISSUER)

    const tokens = (await (await redeem(s, c, params.get('code') as string, { code_verifier: verifier })).json()) as {
      access_token: string
    }
    const response = await s.provider.handle(
      new Request(`${SPOOFED_BASE}/introspect/`, {
        ...form({ token: tokens.access_token }),
        headers: { ...form({}).headers, ...SPOOF, authorization: `Basic ${btoa(`${c.client_id}:${c.client_secret}`)}` },
      }),
    )
    expect(((await response.json()) as { iss: string }).iss).toBe(ISSUER)
    expect((await introspect(s, c, tokens.access_token)).iss).toBe(ISSUER)
  })

  it('RFC 9207 §2: iss in an error redirect stays the configured issuer under spoofed Host headers', async () => {
    const s = setup()
    const c = await createClient(s)
    const url = authorizeUrl({ client_id: c.client_id, response_type: 'bogus', redirect_uri: REDIRECT_URI, state: 'st' }, SPOOFED_BASE)
    const response = await s.provider.handle(new Request(url, { headers: { ...SPOOF, cookie: s.users.signIn('user-1') } }))
    expect(redirectParams(response).get('iss')).toBe(ISSUER)
  })

  it('RFC 9207 §2: iss in an implicit response stays the configured issuer under spoofed Host headers', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'implicit'] })
    const c = await createClient(s, { grant_types: ['implicit'], skip_authorization: true })
    const url = authorizeUrl({ client_id: c.client_id, response_type: 'token', redirect_uri: REDIRECT_URI }, SPOOFED_BASE)
    const response = await s.provider.handle(new Request(url, { headers: { ...SPOOF, cookie: s.users.signIn('user-1') } }))
    expect(redirectParams(response).get('iss')).toBe(ISSUER)
  })

  it('RFC 9207 §2: the login redirect is a local path, not built from the Host header', async () => {
    const s = setup()
    const c = await createClient(s)
    const url = authorizeUrl({ client_id: c.client_id, response_type: 'code', redirect_uri: REDIRECT_URI }, SPOOFED_BASE)
    const response = await s.provider.handle(new Request(url, { headers: SPOOF }))
    expect(response.status).toBe(302)
    expect(decodeURIComponent(response.headers.get('location') ?? '')).not.toContain('evil.example')
  })

  it('RFC 8414 §2: provider.issuer is the configured issuer', () => {
    expect(setup().provider.issuer).toBe(ISSUER)
  })
})
