import { ConfigError } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { REDIRECT_URI, type Setup, setup } from '../support/provider.js'
import { authorizeUrl, createClient, expectLocalPage, pkcePair } from './support.js'

/** A signed-in authorization request for `redirect_uri`; answers the response. */
async function request(s: Setup, clientId: string, redirectUri: string): Promise<Response> {
  const { challenge } = await pkcePair()
  const url = authorizeUrl({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    state: 's',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  return s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
}

/** An accepted request shows the consent page (200); it never redirects elsewhere. */
async function expectAccepted(response: Response): Promise<void> {
  expect(response.status).toBe(200)
  expect(await response.text()).toMatch(/name="interaction"/)
}

describe('RFC 9700 §4.1.3: the redirect_uri is compared by exact string equality', () => {
  it.each([
    ['an extra query', `${REDIRECT_URI}?next=https://evil.example`],
    ['an uppercase path', 'https://app.example/CB'],
    ['an uppercase host', 'https://APP.example/cb'],
    ['an uppercase scheme', 'HTTPS://app.example/cb'],
    ['userinfo naming the real host', 'https://app.example@evil.example/cb'],
    ['the real host as userinfo with a port', 'https://app.example:443@evil.example/cb'],
    ['a fragment', `${REDIRECT_URI}#frag`],
    ['an empty fragment', `${REDIRECT_URI}#`],
    ['another port', 'https://app.example:8443/cb'],
    ['the explicit default port', 'https://app.example:443/cb'],
    ['a trailing slash', `${REDIRECT_URI}/`],
    ['a trailing dot on the host', 'https://app.example./cb'],
    ['an encoded slash after the host', 'https://app.example%2Fcb'],
    ['an encoded slash in the path', 'https://app.example/cb%2F..%2Fevil'],
    ['an encoded letter', 'https://app.example/%63b'],
    ['%25@ userinfo trick', 'https://app.example%25@evil.example/cb'],
    ['%2F@ userinfo trick', 'https://app.example%2F@evil.example/cb'],
    ['a dot-dot segment out of the path', `${REDIRECT_URI}/../../evil`],
    ['a dot-dot segment into the path', 'https://app.example/evil/../cb'],
    ['an encoded dot-dot segment', 'https://app.example/evil/%2e%2e/cb'],
    ['a backslash', 'https://app.example\\@evil.example/cb'],
    ['http instead of https', 'http://app.example/cb'],
    ['a subdomain', 'https://evil.app.example/cb'],
    ['a suffix on the host', 'https://app.example.evil.example/cb'],
    ['a path suffix', `${REDIRECT_URI}evil`],
    ['leading whitespace', ` ${REDIRECT_URI}`],
  ])('RFC 9700 §4.1.3: %s is refused on a local page, never redirected', async (_why, attempt) => {
    const s = setup()
    const c = await createClient(s)
    await expectLocalPage(await request(s, c.client_id, attempt))
  })

  it('RFC 9700 §4.1.3: the registered URI itself is accepted', async () => {
    const s = setup()
    const c = await createClient(s)
    await expectAccepted(await request(s, c.client_id, REDIRECT_URI))
  })
})

describe('RFC 8252 §7.3: loopback redirect URIs accept any port', () => {
  it.each([
    ['http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1/cb'],
    ['http://127.0.0.1:8080/cb', 'http://127.0.0.1:51234/cb'],
    ['http://127.0.0.1:8080/cb', 'http://127.0.0.1/cb'],
    ['http://[::1]/cb', 'http://[::1]:51234/cb'],
    ['http://[::1]:8080/cb', 'http://[::1]:65535/cb'],
  ])('RFC 8252 §7.3: registered %s accepts %s', async (registered, attempt) => {
    const s = setup()
    const c = await createClient(s, { redirect_uris: [registered] })
    await expectAccepted(await request(s, c.client_id, attempt))
  })

  it.each([
    ['another path', 'http://127.0.0.1:51234/other'],
    ['a port that is not a number', 'http://127.0.0.1:abc/cb'],
    ['port 0', 'http://127.0.0.1:0/cb'],
    ['a port out of range', 'http://127.0.0.1:65536/cb'],
    ['userinfo after the port', 'http://127.0.0.1:80@evil.example/cb'],
    ['a host continuing after the IP', 'http://127.0.0.1.evil.example/cb'],
    ['https instead of http', 'https://127.0.0.1:51234/cb'],
    ['another loopback address', 'http://127.0.0.2:51234/cb'],
    ['localhost for an IP registration', 'http://localhost:51234/cb'],
    ['an extra query', 'http://127.0.0.1:51234/cb?x=1'],
  ])('RFC 8252 §7.3: %s is still refused for a loopback registration', async (_why, attempt) => {
    const s = setup()
    const c = await createClient(s, { redirect_uris: ['http://127.0.0.1/cb'] })
    await expectLocalPage(await request(s, c.client_id, attempt))
  })

  it('RFC 8252 §8.3: localhost gets any port only with allowLocalhostLoopback', async () => {
    const strict = setup()
    const c1 = await createClient(strict, { redirect_uris: ['http://localhost:3000/cb'] })
    await expectLocalPage(await request(strict, c1.client_id, 'http://localhost:51234/cb'))
    await expectAccepted(await request(strict, c1.client_id, 'http://localhost:3000/cb'))

    const relaxed = setup({ allowLocalhostLoopback: true })
    const c2 = await createClient(relaxed, { redirect_uris: ['http://localhost:3000/cb'] })
    await expectAccepted(await request(relaxed, c2.client_id, 'http://localhost:51234/cb'))
    await expectLocalPage(await request(relaxed, c2.client_id, 'http://localhost.evil.example:51234/cb'))
  })
})

describe('RFC 9700 §2.1: redirect URIs are validated and canonicalised at registration', () => {
  it.each([
    ['HTTPS://APP.EXAMPLE/cb', 'https://app.example/cb'],
    ['https://App.Example/Path/CB', 'https://app.example/Path/CB'],
    ['https://bücher.example/cb', 'https://xn--bcher-kva.example/cb'],
    ['https://app.example:443/cb', 'https://app.example/cb'],
    ['http://127.0.0.1:80/cb', 'http://127.0.0.1/cb'],
    ['HTTP://[::1]:8080/cb', 'http://[::1]:8080/cb'],
    ['com.example.app:/oauth/cb', 'com.example.app:/oauth/cb'],
  ])('RFC 9700 §2.1: %s is stored as %s', async (input, canonical) => {
    const s = setup()
    const { client } = await createClient(s, { redirect_uris: [input] })
    expect(client.redirect_uris).toEqual([canonical])
    expect((await s.provider.clients.get(client.client_id))?.redirect_uris).toEqual([canonical])
  })

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['mixed-case javascript:', 'JaVaScRiPt:alert(1)'],
    ['javascript: after a space', ' javascript:alert(1)'],
    ['javascript: with a tab inside', 'java\tscript:alert(1)'],
    ['javascript: with a newline inside', 'java\nscript:alert(1)'],
    ['javascript: with a leading control character', '\u0001javascript:alert(1)'],
    ['javascript: in a URL-like form', 'javascript://app.example/%0aalert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['DATA:', 'DATA:text/html;base64,PHNjcmlwdD4='],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['blob:', 'blob:https://app.example/0b6b7d8e'],
    ['file:', 'file:///etc/passwd'],
    ['a fragment', 'https://app.example/cb#x'],
    ['an empty fragment', 'https://app.example/cb#'],
    ['userinfo', 'https://user@app.example/cb'],
    ['userinfo with a password', 'https://user:pass@app.example/cb'],
    ['an empty userinfo', 'https://@app.example/cb'],
    ['plain http on a public host', 'http://app.example/cb'],
    ['plain http on a private host', 'http://192.168.1.10/cb'],
    ['a relative reference', '/cb'],
    ['a private-use scheme without a dot', 'myapp:/cb'],
  ])('RFC 9700 §2.1: %s is refused with ERR_INVALID_REDIRECT_URI', async (_why, input) => {
    const s = setup()
    const attempt = s.provider.clients.create({ client_name: 'App', redirect_uris: [input] })
    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_INVALID_REDIRECT_URI' })
    expect(await s.provider.clients.list()).toEqual([])
  })

  it.each([
    ['a backslash before userinfo', 'https://evil.example\\@app.example/cb'],
    ['a backslash that ends the host', 'https://app.example\\evil.example/cb'],
    ['a backslash before a dot', 'https://evil.example\\.app.example/cb'],
    ['a backslash in the path', 'https://app.example/cb\\x'],
    ['a backslash in a private-use URI', 'com.example.app:\\\\evil.example/cb'],
    ['a tab in the host', 'https://app.exa\tmple/cb'],
    ['a newline in the host', 'https://app.example\n.evil.example/cb'],
    ['a carriage return in the path', 'https://app.example/c\rb'],
    ['a trailing space', 'https://app.example/cb '],
  ])('RFC 9700 §4.1.3 / RFC 3986 §3.2: %s, which the URL parser would rewrite silently, is refused', async (_why, input) => {
    const s = setup()
    const attempt = s.provider.clients.create({ client_name: 'App', redirect_uris: [input] })
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_INVALID_REDIRECT_URI' })
    expect(await s.provider.clients.list()).toEqual([])
    await expect(
      s.provider.clients.create({ client_name: 'App', redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [input] }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_REDIRECT_URI',
    })
  })

  it('RFC 9700 §2.1: an update is validated the same way', async () => {
    const s = setup()
    const c = await createClient(s)
    await expect(s.provider.clients.update(c.client_id, { redirect_uris: ['JavaScript:alert(1)'] })).rejects.toMatchObject({
      code: 'ERR_INVALID_REDIRECT_URI',
    })
    expect((await s.provider.clients.get(c.client_id))?.redirect_uris).toEqual([REDIRECT_URI])
  })

  it('RFC 9700 §4.1.3: a URI registered in a non-canonical spelling matches only its canonical form', async () => {
    const s = setup()
    const c = await createClient(s, { redirect_uris: ['HTTPS://APP.EXAMPLE:443/cb'] })
    await expectAccepted(await request(s, c.client_id, REDIRECT_URI))
    await expectLocalPage(await request(s, c.client_id, 'HTTPS://APP.EXAMPLE:443/cb'))
  })
})
