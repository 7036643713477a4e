import { describe, expect, it } from 'vitest'
import { createClient, expectJsonError } from '../security/support.js'
import { ISSUER, setup } from '../support/provider.js'

describe('routing', () => {
  it.each([
    'https://as.example/',
    'https://as.example/o',
    'https://as.example/o/',
    'https://as.example/o/unknown/',
    'https://as.example/o/token/extra',
    'https://as.example/o/token//',
    'https://as.example/O/token/',
    'https://as.example/elsewhere/token/',
  ])('RFC 9110 §15.5.5: %s is 404 and not owned', async (url) => {
    const s = setup()
    const response = await s.provider.handle(new Request(url, { method: 'POST' }))
    expect(response.status).toBe(404)
    expect(response.headers.get('location')).toBeNull()
    expect(s.provider.owns(new Request(url))).toBe(false)
  })

  it.each(['token', 'token/', 'authorize', 'authorize/', 'revoke_token/', 'introspect/'])(
    'docs/architecture.md "Paths": /o/%s is owned',
    (path) => {
      const s = setup()
      expect(s.provider.owns(new Request(`${ISSUER}/${path}`))).toBe(true)
    },
  )

  it('provider.handle works detached from the provider, with extra runtime arguments', async () => {
    const s = setup()
    const c = await createClient(s, { grant_types: ['client_credentials'], redirect_uris: [] })
    const { handle } = s.provider
    const request = () =>
      new Request(`${ISSUER}/token/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${btoa(`${c.client_id}:${c.client_secret}`)}`,
        },
        body: 'grant_type=client_credentials',
      })
    expect((await handle(request())).status).toBe(200)
    expect((await handle.call(undefined, request(), { waitUntil: () => {} })).status).toBe(200)
    expect((await handle(request(), { remoteAddr: { hostname: '203.0.113.9' } })).status).toBe(200)
    await expectJsonError(await handle(new Request(`${ISSUER}/token/`)), 'invalid_request', 405)
    expect((await handle(new Request('https://as.example/nowhere'))).status).toBe(404)
  })
})
