import type { ClientInput } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { recorder } from '../hardening/support.js'
import { csrfFor, get as managePage, post as managePost, TOKENS } from '../manage/helpers.js'
import { oidcSetup } from '../oidc/authorize/support.js'
import { authorizeAs, REDIRECT_URI, type Setup, setup } from '../support/provider.js'
import { authorizeUrl, createClient, expectJsonError, introspect, obtainCode, pkcePair, post, redeem, redirectParams } from './support.js'

function setupRecorded() {
  const rec = recorder()
  return { ...setup({ onEvent: rec.onEvent }), rec }
}

/** An authorization request of `clientId` for `redirectUri`, as the user behind `cookie`. */
async function request(s: Setup, clientId: string, cookie: string, redirectUri = REDIRECT_URI, extra: Record<string, string> = {}) {
  const { challenge } = await pkcePair()
  const url = authorizeUrl({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
  return { url, response: await s.provider.handle(new Request(url, { headers: { cookie } })) }
}

/** The family the code flow's tokens of `clientId` belong to, from the token.issued event. */
async function familyOf(s: ReturnType<typeof setupRecorded>, clientId: string) {
  const issued = s.rec.of('token.issued').find((event) => event.client_id === clientId)
  return s.storage.getFamily(issued?.family_id ?? '', Math.floor(s.clock.now() / 1000))
}

describe('RFC 6749 §10.2, RFC 6819 §5.2.2.3: a grant without a consent page is still a consent the user can revoke', () => {
  it('RFC 6749 §10.2: a skip_authorization grant is recorded as a consent, and its family hangs from it', async () => {
    const s = setupRecorded()
    const c = await createClient(s, { skip_authorization: true })
    const { code, verifier } = await obtainCode(s, c)
    expect((await redeem(s, c, code, { code_verifier: verifier! })).status).toBe(200)

    const consents = await s.storage.listConsents('user-1')
    expect(consents).toEqual([
      expect.objectContaining({ sub: 'user-1', client_id: c.client_id, scopes: ['read', 'write'], revoked_at: null }),
    ])
    expect((await familyOf(s, c.client_id))?.consent_id).toBe(consents[0]?.id)
    expect(s.rec.of('consent.granted')).toEqual([
      expect.objectContaining({ client_id: c.client_id, sub: 'user-1', scopes: ['read', 'write'], consent_id: consents[0]?.id }),
    ])
  })

  it('RFC 6749 §10.2: later skipped grants extend the same consent with their scopes, and a covered one writes nothing', async () => {
    const s = setupRecorded()
    const c = await createClient(s, { skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    await obtainCode(s, c, { cookie, extra: { scope: 'read' } })
    await obtainCode(s, c, { cookie, extra: { scope: 'write' } })
    await obtainCode(s, c, { cookie, extra: { scope: 'read write' } })
    const consents = await s.storage.listConsents('user-1')
    expect(consents).toHaveLength(1)
    expect(consents[0]?.scopes).toEqual(['read', 'write'])
    expect(s.rec.of('consent.granted').map((event) => event.scopes)).toEqual([['read'], ['write']])
  })

  it('RFC 6819 §5.2.2.3: revoking a skipped grant on the authorized-tokens page ends its access and refresh tokens', async () => {
    const s = setup()
    const c = await createClient(s, { client_name: 'Trusted App', skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    const { code, verifier } = await obtainCode(s, c, { cookie })
    const tokens = (await (await redeem(s, c, code, { code_verifier: verifier! })).json()) as Record<string, string>
    expect(await introspect(s, c, tokens.access_token!)).toMatchObject({ active: true })

    const list = await (await managePage(s, TOKENS, cookie)).text()
    expect(list).toContain('Trusted App')
    const path = /href="(\/o\/authorized_tokens\/[^"]+\/delete\/)"/.exec(list)?.[1] ?? ''
    expect((await managePost(s, path, cookie, { csrf: await csrfFor(s, cookie) })).status).toBe(303)

    expect(await introspect(s, c, tokens.access_token!)).toEqual({ active: false })
    expect(await introspect(s, c, tokens.refresh_token!)).toEqual({ active: false })
    const refreshed = await post(
      s,
      'token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      { id: c.client_id, secret: c.client_secret },
    )
    await expectJsonError(refreshed, 'invalid_grant')
  })
})

describe('RFC 8252 §8.6, RFC 6749 §10.2: an earlier consent is reused only when the client is surely itself', () => {
  /** Approves a first request through the page, then answers a second one as the same user. */
  async function approvedThenAgain(input: Partial<ClientInput>, first: string, second: string) {
    const s = setup()
    const c = await createClient(s, input)
    const cookie = s.users.signIn('user-1')
    const approved = await authorizeAs(s, cookie, (await request(s, c.client_id, cookie, first)).url)
    expect(redirectParams(approved).get('code')).toBeTruthy()
    return { s, c, cookie, again: (await request(s, c.client_id, cookie, second)).response }
  }

  it('RFC 8252 §8.6: a public client sees the consent page again, although the user approved it before', async () => {
    const { again } = await approvedThenAgain({ client_type: 'public' }, REDIRECT_URI, REDIRECT_URI)
    expect(again.status).toBe(200)
    expect(await again.text()).toContain('name="interaction"')
  })

  it('RFC 8252 §8.6: a confidential client redirecting to loopback sees the page again, on any port', async () => {
    const registered = ['http://127.0.0.1/cb', 'http://[::1]/cb']
    for (const uri of registered) {
      const ported = uri.replace('/cb', ':51004/cb')
      const { again } = await approvedThenAgain({ redirect_uris: [uri] }, uri.replace('/cb', ':51003/cb'), ported)
      expect(again.status, ported).toBe(200)
    }
    const { again } = await approvedThenAgain({ redirect_uris: ['https://localhost/cb'] }, 'https://localhost/cb', 'https://localhost/cb')
    expect(again.status).toBe(200)
  })

  it('RFC 8252 §8.6: a confidential client redirecting to a private-use scheme sees the page again', async () => {
    const uri = 'com.example.app:/cb'
    const { again } = await approvedThenAgain({ redirect_uris: [uri] }, uri, uri)
    expect(again.status).toBe(200)
  })

  it('OIDC Core §3.1.2.6: prompt=none for a public client approved before is consent_required, not a code', async () => {
    const s = oidcSetup()
    const c = await createClient(s, { client_type: 'public' })
    const cookie = s.users.signIn('user-1')
    const openid = { scope: 'openid', nonce: 'n-0S6_WzA2Mj' }
    expect(
      redirectParams(await authorizeAs(s, cookie, (await request(s, c.client_id, cookie, REDIRECT_URI, openid)).url)).has('code'),
    ).toBe(true)
    const { response } = await request(s, c.client_id, cookie, REDIRECT_URI, { ...openid, prompt: 'none' })
    expect(redirectParams(response).get('error')).toBe('consent_required')
    expect(redirectParams(response).has('code')).toBe(false)
  })

  it('RFC 6749 §10.2: a confidential client on an https redirect is still approved at once, under the same consent', async () => {
    const s = setupRecorded()
    const c = await createClient(s)
    const cookie = s.users.signIn('user-1')
    await obtainCode(s, c, { cookie })
    const { response } = await request(s, c.client_id, cookie)
    expect(response.status).toBe(302)
    expect(redirectParams(response).get('code')).toMatch(/^gl_ac_/)
    expect(s.rec.of('consent.granted')).toHaveLength(1)
    expect(await s.storage.listConsents('user-1')).toHaveLength(1)
  })

  it('RFC 7591 §5, RFC 6749 §10.2: a confidential client that registered itself sees the page again (it may move its redirect URIs at will)', async () => {
    const s = setup()
    const c = await createClient(s)
    const stored = await s.storage.getClient(c.client_id)
    await s.storage.putClient({ ...stored!, dynamic: true })
    const cookie = s.users.signIn('user-1')
    expect(redirectParams(await authorizeAs(s, cookie, (await request(s, c.client_id, cookie)).url)).get('code')).toBeTruthy()
    const { response } = await request(s, c.client_id, cookie)
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('name="interaction"')
  })

  it('RFC 8707 §2, RFC 6749 §10.2: a request naming a resource is not approved by a consent that never showed it', async () => {
    const s = setup({ resources: [{ uri: 'https://a.example/api' }, { uri: 'https://b.example/api' }] })
    const c = await createClient(s)
    const cookie = s.users.signIn('user-1')
    const first = (await request(s, c.client_id, cookie, REDIRECT_URI, { resource: 'https://a.example/api' })).url
    expect(redirectParams(await authorizeAs(s, cookie, first)).get('code')).toBeTruthy()
    const { response } = await request(s, c.client_id, cookie, REDIRECT_URI, { resource: 'https://b.example/api' })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('https://b.example/api')
  })

  it("RFC 8252 §8.6: an operator's skip_authorization still skips for a public loopback client, and is recorded", async () => {
    const s = setup()
    const uri = 'http://127.0.0.1/cb'
    const c = await createClient(s, { client_type: 'public', redirect_uris: [uri], skip_authorization: true })
    const cookie = s.users.signIn('user-1')
    for (const port of [51005, 51006]) {
      const { response } = await request(s, c.client_id, cookie, `http://127.0.0.1:${port}/cb`)
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/cb\\?code=gl_ac_`))
    }
    expect(await s.storage.listConsents('user-1')).toEqual([expect.objectContaining({ client_id: c.client_id })])
  })
})
