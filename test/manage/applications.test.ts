import { sha256Hex } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { basic, form, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { APPS, app, appForm, csrfFor, get, post, REGISTER, registerApp } from './helpers.js'

describe('applications list and registration (DOT ApplicationList, ApplicationRegistration)', () => {
  it('lists only the signed-in user\'s applications, with a "New application" link, with and without the slash', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    await s.provider.clients.create({ client_name: 'Bob App', redirect_uris: [REDIRECT_URI], owner_sub: 'user-2' })
    await s.provider.clients.create({ client_name: 'Operator App', redirect_uris: [REDIRECT_URI] })
    await registerApp(s, alice, { client_name: 'Alice App' })
    for (const path of [APPS, '/o/applications']) {
      const response = await get(s, path, alice)
      expect(response.status).toBe(200)
      const html = await response.text()
      expect(html).toContain('Alice App')
      expect(html).not.toContain('Bob App')
      expect(html).not.toContain('Operator App')
      expect(html).toContain(`href="${REGISTER}"`)
      expect(html).toContain('New application')
      expect(html).toContain('<caption>Your applications</caption>')
    }
  })

  it('shows an empty list politely', async () => {
    const s = setup()
    const html = await (await get(s, APPS, s.users.signIn('user-1'))).text()
    expect(html).toContain('You have not registered any applications yet.')
  })

  it('the register form offers only the grant types the server enables', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token'] })
    const response = await get(s, '/o/applications/register', s.users.signIn('user-1'))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('name="grant_type:authorization_code"')
    expect(html).toContain('name="grant_type:refresh_token"')
    expect(html).not.toContain('grant_type:client_credentials')
    expect(html).not.toContain('grant_type:password')
    expect(html).toMatch(/<label for="client_name">Name<\/label><input type="text" id="client_name"/)
  })

  it("RFC 6749 §2.3.1: a confidential client's secret appears once, in the answer to the POST, and only its hash is stored", async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { response, html, clientId, secret } = await registerApp(s, alice)
    expect(response.status).toBe(201)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(secret).toMatch(/^gl_cs_[A-Za-z0-9_-]{43}$/)
    expect(html).toContain('it will not be shown again')

    const stored = await s.storage.getClient(clientId)
    expect(stored).toMatchObject({
      owner_sub: 'user-1',
      client_type: 'confidential',
      introspection: false,
      secret_hash: sha256Hex(secret!),
    })
    expect(stored?.redirect_uris).toEqual([REDIRECT_URI])
    expect(stored?.grant_types).toEqual(['authorization_code', 'refresh_token'])
    expect(html).not.toContain(stored!.secret_hash!)

    for (const path of [app(clientId), APPS, app(clientId, 'update'), app(clientId, 'delete')]) {
      const page = await (await get(s, path, alice)).text()
      expect(page).not.toContain(secret!)
      expect(page).not.toContain(stored!.secret_hash!)
      expect(page).not.toContain('id="client_secret"')
    }
  })

  it('the secret shown works at the token endpoint (RFC 6749 §4.4)', async () => {
    const s = setup()
    const { clientId, secret } = await registerApp(s, s.users.signIn('user-1'), { 'grant_type:client_credentials': 'on' })
    const { headers, ...init } = form({ grant_type: 'client_credentials' })
    const response = await s.fetch(`${ISSUER}/token/`, { ...init, headers: { ...headers, authorization: basic(clientId, secret!) } })
    expect(response.status).toBe(200)
  })

  it('a public client gets no secret', async () => {
    const s = setup()
    const { html, clientId, secret } = await registerApp(s, s.users.signIn('user-1'), {
      client_type: 'public',
      'grant_type:refresh_token': '',
    })
    expect(secret).toBeUndefined()
    expect(html).not.toContain('gl_cs_')
    expect(html).toContain('A public client has no secret')
    expect(await s.storage.getClient(clientId)).toMatchObject({
      client_type: 'public',
      token_endpoint_auth_method: 'none',
      secret_hash: null,
    })
  })

  it('RFC 9700 §2.4: with the password grant enabled on the server, the self-service form neither offers nor accepts it (an operator decides)', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'password'] })
    const alice = s.users.signIn('user-1')
    expect(await (await get(s, '/o/applications/register', alice)).text()).not.toContain('grant_type:password')
    const { clientId } = await registerApp(s, alice, { 'grant_type:password': 'on' })
    expect((await s.storage.getClient(clientId))?.grant_types).not.toContain('password')
  })

  it('fields the form does not offer cannot be set: owner, introspection, disabled grant types', async () => {
    const s = setup()
    const { clientId } = await registerApp(s, s.users.signIn('user-1'), {
      owner_sub: 'user-2',
      introspection: 'on',
      'grant_type:password': 'on',
      'grant_type:implicit': 'on',
      client_id: 'chosen',
    })
    expect(clientId).not.toBe('chosen')
    expect(await s.storage.getClient(clientId)).toMatchObject({
      owner_sub: 'user-1',
      introspection: false,
      grant_types: ['authorization_code', 'refresh_token'],
    })
  })

  it('saves allowed scopes and post-logout URIs', async () => {
    const s = setup()
    const { clientId } = await registerApp(s, s.users.signIn('user-1'), {
      'scope:read': 'on',
      post_logout_redirect_uris: 'https://app.example/bye\r\n\r\nhttps://app.example/later',
    })
    expect(await s.storage.getClient(clientId)).toMatchObject({
      scope: 'read',
      post_logout_redirect_uris: ['https://app.example/bye', 'https://app.example/later'],
    })
  })

  it("RFC 6749 §10.2: the register form neither shows nor accepts skip_authorization, which is the operator's to set", async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const form = await (await get(s, REGISTER, alice)).text()
    expect(form).not.toContain('skip_authorization')
    expect(form).not.toContain('Skip authorization')
    const { clientId, html } = await registerApp(s, alice, { skip_authorization: 'on' })
    expect(await s.storage.getClient(clientId)).toMatchObject({ skip_authorization: false })
    expect(html).toContain('<dt>Skip authorization</dt><dd>No</dd>')
  })
})

describe('bad input re-renders the form with status 400', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'a javascript: redirect URI',
      { redirect_uris: 'javascript:alert(1)' },
      /redirect URI &#34;javascript:alert\(1\)&#34; uses a forbidden scheme/,
    ],
    ['an http redirect URI off loopback', { redirect_uris: 'http://app.example/cb' }, /may use http only on a loopback host/],
    [
      'no redirect URI for the code flow',
      { redirect_uris: '' },
      /Redirect URIs: authorization_code and implicit need at least one redirect URI/,
    ],
    ['an empty name', { client_name: '   ' }, /Name is required\./],
    ['a name too long', { client_name: 'x'.repeat(256) }, /Name must be at most 255 characters\./],
    ['no grant type', { 'grant_type:authorization_code': '', 'grant_type:refresh_token': '' }, /Choose at least one grant type\./],
    [
      'client credentials for a public client',
      { client_type: 'public', 'grant_type:client_credentials': 'on' },
      /Client credentials needs a confidential client/,
    ],
  ]
  for (const [name, overrides, message] of cases) {
    it(`register: ${name}`, async () => {
      const s = setup()
      const alice = s.users.signIn('user-1')
      const values = Object.fromEntries(
        Object.entries({ ...appForm(overrides), csrf: await csrfFor(s, alice) }).filter(([, v]) => v !== ''),
      )
      const response = await post(s, REGISTER, alice, values)
      expect(response.status).toBe(400)
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await response.text()
      expect(html).toMatch(message)
      expect(html).toContain('role="alert"')
      expect(html).toContain('<form method="post"')
      expect(await s.provider.clients.list()).toEqual([])
    })
  }

  it('register: the form comes back as the user left it, escaped', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const response = await post(s, REGISTER, alice, {
      ...appForm({ client_name: '<b>"Mine"</b>', redirect_uris: 'javascript:alert(1)' }),
      csrf: await csrfFor(s, alice),
    })
    const html = await response.text()
    expect(html).toContain('value="&#60;b&#62;&#34;Mine&#34;&#60;/b&#62;"')
    expect(html).toContain('>javascript:alert(1)</textarea>')
    expect(html).not.toContain('<b>"Mine"</b>')
  })

  it('update: a javascript: redirect URI is refused and nothing changes', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const { clientId } = await registerApp(s, alice)
    const before = await s.storage.getClient(clientId)
    const response = await post(s, app(clientId, 'update'), alice, {
      ...appForm({ redirect_uris: ' JavaScript:alert(1)' }),
      csrf: await csrfFor(s, alice),
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toMatch(/uses a forbidden scheme/)
    expect(await s.storage.getClient(clientId)).toEqual(before)
  })
})
