import { describe, expect, it } from 'vitest'
import { REDIRECT_URI, setup } from '../support/provider.js'
import { authorizeUrl, base64url, createClient, pkcePair } from './support.js'

/** The CSP directives of a response, by name. */
function csp(response: Response): Map<string, string[]> {
  const header = response.headers.get('content-security-policy') ?? ''
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name as string, values]),
  )
}

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return btoa(String.fromCharCode(...digest))
}

/** Asserts the headers every page carries (RFC 6749 §10.13, RFC 9700 §4.16) and that the inline style matches its hash. */
async function expectHardenedPage(response: Response, formAction: string[]): Promise<string> {
  expect(response.headers.get('content-type')).toMatch(/^text\/html/)
  expect(response.headers.get('x-frame-options')).toBe('DENY')
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  const policy = csp(response)
  expect(policy.get('default-src')).toEqual(["'none'"])
  expect(policy.get('frame-ancestors')).toEqual(["'none'"])
  expect(policy.get('base-uri')).toEqual(["'none'"])
  expect(policy.get('form-action')).toEqual(formAction)
  expect(policy.has('script-src')).toBe(false)

  const html = await response.text()
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] as string)
  expect(styles).toHaveLength(1)
  expect(policy.get('style-src')).toEqual([`'sha256-${await sha256Base64(styles[0] as string)}'`])
  expect(html).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i)
  return html
}

describe('RFC 6749 §10.13 / RFC 9700 §4.16: pages cannot be framed, cached or scripted', () => {
  it('RFC 9700 §4.16: the consent page carries the CSP, frame and cache headers; form-action names the redirect origin', async () => {
    const s = setup()
    const c = await createClient(s)
    const { challenge } = await pkcePair()
    const url = authorizeUrl({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(response.status).toBe(200)
    const html = await expectHardenedPage(response, ["'self'", 'https://app.example'])
    expect(html).toMatch(/<form method="post"/)
  })

  it('RFC 8252 §7.1: for a private-use scheme, form-action names the scheme', async () => {
    const s = setup()
    const c = await createClient(s, { client_type: 'public', redirect_uris: ['com.example.app:/cb'] })
    const { challenge } = await pkcePair()
    const url = authorizeUrl({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: 'com.example.app:/cb',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    await expectHardenedPage(response, ["'self'", 'com.example.app:'])
  })

  it('RFC 9700 §4.16: the error page carries the same headers, with form-action only self', async () => {
    const s = setup()
    const response = await s.provider.handle(new Request(authorizeUrl({ client_id: 'nobody', response_type: 'code' })))
    expect(response.status).toBe(400)
    await expectHardenedPage(response, ["'self'"])
  })

  it('RFC 6749 §10.14: client-controlled text is escaped on the consent page', async () => {
    const s = setup()
    const c = await createClient(s, { client_name: '<img src=x onerror=alert(1)>"Evil"' })
    const { challenge } = await pkcePair()
    const url = authorizeUrl({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    const html = await response.text()
    expect(html).not.toContain('<img')
    expect(html).toContain('&#60;img')
  })

  it('RFC 6749 §10.14: request text reflected on the error page is escaped', async () => {
    const s = setup()
    const c = await createClient(s)
    const evil = `https://evil.example/"><script>alert(${base64url(new Uint8Array([1, 2, 3]))})</script>`
    const response = await s.provider.handle(
      new Request(authorizeUrl({ client_id: c.client_id, response_type: 'code', redirect_uri: evil })),
    )
    expect(await response.text()).not.toContain('<script')
  })
})
