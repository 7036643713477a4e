import { describe, expect, it } from 'vitest'
import { consentFields, form, ISSUER, REDIRECT_URI, type Setup, setup } from '../support/provider.js'
import { authorizeUrl, createClient, expectLocalPage, pkcePair, redirectParams } from './support.js'

/** Opens the consent page as `cookie`; answers its hidden fields. */
async function openConsent(s: Setup, clientId: string, cookie: string, redirectUri = REDIRECT_URI) {
  const { challenge } = await pkcePair()
  const url = authorizeUrl({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  const page = await s.provider.handle(new Request(url, { headers: { cookie } }))
  expect(page.status).toBe(200)
  return consentFields(await page.text())
}

/** POSTs a consent decision; `cookie` null sends none. */
function decide(s: Setup, fields: Record<string, string>, cookie: string | null, allow = true): Promise<Response> {
  const { headers, ...init } = form({ ...fields, ...(allow ? { allow: 'Authorize' } : {}) })
  return s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, ...(cookie ? { cookie } : {}) } }))
}

async function opened() {
  const s = setup()
  const c = await createClient(s)
  const cookie = s.users.signIn('user-1')
  const fields = await openConsent(s, c.client_id, cookie)
  return { s, c, cookie, fields }
}

describe('docs/architecture.md "Consent": the decision is bound to the session and consumed once (RFC 6749 §10.12, RFC 9700 §4.7)', () => {
  it('RFC 6749 §10.12: an approved decision answers 303 with the code, state and iss', async () => {
    const { s, cookie, fields } = await opened()
    const response = await decide(s, fields, cookie)
    expect(response.status).toBe(303)
    const params = redirectParams(response)
    expect(response.headers.get('location')?.startsWith(`${REDIRECT_URI}?`)).toBe(true)
    expect(params.get('code')).toMatch(/^gl_ac_/)
    expect(params.get('state')).toBe('st')
    expect(params.get('iss')).toBe(ISSUER)
  })

  it('RFC 9700 §4.12: an authorization request sent as a POST form is answered 303, never 307', async () => {
    const s = setup()
    const c = await createClient(s, { skip_authorization: true })
    const { challenge } = await pkcePair()
    const { headers, ...init } = form({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const response = await s.provider.handle(
      new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie: s.users.signIn('user-1') } }),
    )
    expect(response.status).toBe(303)
    expect(redirectParams(response).get('code')).toBeTruthy()
  })

  it('RFC 6749 §10.12: a tampered csrf value is refused on a local page', async () => {
    const { s, cookie, fields } = await opened()
    const last = fields.csrf.at(-1) === 'A' ? 'B' : 'A'
    await expectLocalPage(await decide(s, { ...fields, csrf: `${fields.csrf.slice(0, -1)}${last}` }, cookie))
    await expectLocalPage(await decide(s, { interaction: fields.interaction }, cookie))
  })

  it('RFC 6749 §10.12: a csrf value from another session is refused on a local page', async () => {
    const { s, c, fields } = await opened()
    const otherCookie = s.users.signIn('user-1')
    await expectLocalPage(await decide(s, fields, otherCookie))
    const mine = await openConsent(s, c.client_id, otherCookie)
    await expectLocalPage(await decide(s, { interaction: fields.interaction, csrf: mine.csrf }, otherCookie))
    const mallory = s.users.signIn('user-2')
    await expectLocalPage(await decide(s, fields, mallory))
  })

  it('docs/architecture.md "Consent": a replayed decision (second POST) is refused on a local page', async () => {
    const { s, cookie, fields } = await opened()
    expect((await decide(s, fields, cookie)).status).toBe(303)
    await expectLocalPage(await decide(s, fields, cookie))
    await expectLocalPage(await decide(s, fields, cookie, false))
  })

  it('docs/architecture.md "Consent": a decision after the interaction expired (601 s) is refused on a local page', async () => {
    const { s, cookie, fields } = await opened()
    s.clock.advance(601)
    await expectLocalPage(await decide(s, fields, cookie))
  })

  it('docs/architecture.md "Consent": a decision POST without a session is refused on a local page', async () => {
    const { s, fields } = await opened()
    await expectLocalPage(await decide(s, fields, null))
  })

  it('docs/architecture.md "Consent": a decision after sign-out is refused on a local page', async () => {
    const { s, cookie, fields } = await opened()
    s.users.signOut(cookie)
    await expectLocalPage(await decide(s, fields, cookie))
  })

  it('RFC 6749 §10.12: a refused forgery does not spend the interaction of the real user', async () => {
    const { s, cookie, fields } = await opened()
    await expectLocalPage(await decide(s, { ...fields, csrf: 'forged' }, cookie))
    expect((await decide(s, fields, cookie)).status).toBe(303)
  })
})

describe('docs/architecture.md "Consent": the decision re-checks the client against its current registration', () => {
  it('RFC 6749 §4.1.2.1: a client deleted between page and decision gets no redirect', async () => {
    const { s, c, cookie, fields } = await opened()
    await s.provider.clients.delete(c.client_id)
    await expectLocalPage(await decide(s, fields, cookie))
  })

  it('RFC 6749 §4.1.2.1: a redirect URI removed between page and decision gets no redirect', async () => {
    const { s, c, cookie, fields } = await opened()
    await s.provider.clients.update(c.client_id, { redirect_uris: ['https://app.example/new'] })
    await expectLocalPage(await decide(s, fields, cookie))
  })

  it('RFC 6749 §4.1.2.1: a denial after the redirect URI was removed does not redirect either', async () => {
    const { s, c, cookie, fields } = await opened()
    await s.provider.clients.update(c.client_id, { redirect_uris: ['https://app.example/new'] })
    await expectLocalPage(await decide(s, fields, cookie, false))
  })

  it('RFC 6749 §4.1.2.1: an omitted redirect_uri never resolves to a URI that was removed', async () => {
    const s = setup()
    const c = await createClient(s)
    const cookie = s.users.signIn('user-1')
    const { challenge } = await pkcePair()
    const url = authorizeUrl({
      client_id: c.client_id,
      response_type: 'code',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const fields = consentFields(await (await s.provider.handle(new Request(url, { headers: { cookie } }))).text())
    await s.provider.clients.update(c.client_id, { redirect_uris: ['https://app.example/new'] })
    const response = await decide(s, fields, cookie)
    expect(response.headers.get('location') ?? '').not.toContain(REDIRECT_URI)
  })

  it('RFC 6749 §4.1.2.1: a client no longer allowed the code grant gets an error, not a code', async () => {
    const { s, c, cookie, fields } = await opened()
    await s.provider.clients.update(c.client_id, { grant_types: ['client_credentials'] })
    const response = await decide(s, fields, cookie)
    expect(response.status).toBe(303)
    expect(redirectParams(response).get('error')).toBe('unauthorized_client')
    expect(redirectParams(response).has('code')).toBe(false)
  })

  it('RFC 6749 §3.3: a scope withdrawn from the client between page and decision is not granted', async () => {
    const s = setup()
    const c = await createClient(s)
    const cookie = s.users.signIn('user-1')
    const { challenge } = await pkcePair()
    const url = authorizeUrl({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'read write',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const fields = consentFields(await (await s.provider.handle(new Request(url, { headers: { cookie } }))).text())
    await s.provider.clients.update(c.client_id, { scope: 'read' })
    const response = await decide(s, fields, cookie)
    expect(redirectParams(response).get('error')).toBe('invalid_scope')
  })
})
