import { registerClient } from '@modelcontextprotocol/sdk/client/auth.js'
import * as oauth from 'oauth4webapi'
import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import { begin, introspect, location, redeem, refresh } from '../e2e/support.js'
import { Browser, codeFlow, ISSUER as OP_ISSUER, opSetup } from '../oidc/e2e/support.js'
import { authorizeAs, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import {
  expectError,
  NATIVE,
  postRegistration,
  REGISTRATION_ENDPOINT,
  registered,
  registrationSetup,
  server,
} from './dynamic-registration-support.js'

describe('RFC 7591 dynamic client registration with real clients', () => {
  it('RFC 7591 §3.1, §3.2.1: oauth4webapi registers a native public client on a loopback redirect, then runs the code flow with PKCE', async () => {
    const s = registrationSetup()
    const response = await oauth.dynamicClientRegistrationRequest(server, NATIVE, { [oauth.customFetch]: s.fetch })
    expect(response.status).toBe(201)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const info = await oauth.processDynamicClientRegistrationResponse(response)
    expect(info.client_id).toMatch(/^[A-Za-z0-9]{24}$/)
    expect(info).toMatchObject({
      client_id_issued_at: s.clock.now() / 1000,
      client_name: 'Example MCP host',
      redirect_uris: ['http://127.0.0.1:33418/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      registration_client_uri: `${ISSUER}/register/${info.client_id}`,
    })
    expect(info.registration_access_token).toMatch(/^gl_ra_[A-Za-z0-9_-]{43}$/)
    expect(info).not.toHaveProperty('client_secret')
    expect(info).not.toHaveProperty('client_secret_expires_at')

    const reg = { client: { client_id: info.client_id }, auth: oauth.None(), secret: undefined }
    const started = await begin(reg.client, { redirect_uri: 'http://127.0.0.1:33418/callback', scope: 'read' })
    const tokens = await redeem(s, reg, started, location(await authorizeAs(s, s.users.signIn('user-1'), started.url)))
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' })
    expect((await refresh(s, reg, tokens.refresh_token!)).access_token).toMatch(/^gl_at_/)
  })

  it('RFC 7591 §3.2.1: a confidential client gets its secret once, stored only as a hash, with client_secret_expires_at 0', async () => {
    const s = registrationSetup()
    const info = await registered(s, { redirect_uris: [REDIRECT_URI], client_name: 'Web app' })
    expect(info).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      client_secret_expires_at: 0,
    })
    expect(info.client_secret).toMatch(/^gl_cs_/)
    const stored = await s.provider.clients.get(String(info.client_id))
    expect(stored).toMatchObject({ dynamic: true, client_type: 'confidential', skip_authorization: false, introspection: false })
    const dump = JSON.stringify(await s.storage.listClients())
    expect(dump).not.toContain(String(info.client_secret))
    expect(dump).not.toContain(String(info.registration_access_token))
  })

  it('RFC 7591 §3 with OIDC Discovery: openid-client discovers registration_endpoint, registers, and signs in with PKCE', async () => {
    const op = await opSetup({ config: { registration: { policy: 'open' } } })
    const config = await client.dynamicClientRegistration(
      new URL(OP_ISSUER),
      {
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      undefined,
      { [client.customFetch]: (url, init) => op.fetch(url, init as RequestInit) },
    )
    const metadata = config.clientMetadata()
    expect(metadata.client_secret).toMatch(/^gl_cs_/)
    expect(config.serverMetadata().registration_endpoint).toBe(`${OP_ISSUER}/register/`)
    const { tokens } = await codeFlow(config, new Browser(op))
    expect(tokens.claims()?.aud).toBe(metadata.client_id)
  })

  it('RFC 7591 §3: the MCP TypeScript SDK registers with the registration_endpoint it read from discovery', async () => {
    const s = registrationSetup()
    const discovered = await (await s.fetch('https://as.example/.well-known/oauth-authorization-server/o')).json()
    const info = await registerClient(ISSUER, {
      metadata: discovered,
      clientMetadata: { ...NATIVE, scope: 'read' },
      fetchFn: (url, init) => s.fetch(String(url), init),
    })
    expect(info).toMatchObject({ token_endpoint_auth_method: 'none', scope: 'read', redirect_uris: NATIVE.redirect_uris })
    expect(await s.storage.getClient(info.client_id)).toMatchObject({ dynamic: true, client_type: 'public' })
  })

  it('RFC 7591 §2: members the server does not know are ignored and never stored; the display members are', async () => {
    const s = registrationSetup()
    const info = await registered(s, {
      ...NATIVE,
      logo_uri: 'https://host.example/logo.png',
      client_uri: 'https://host.example/',
      contacts: ['ops@host.example'],
      software_id: 'host',
      software_version: '2.0',
      favourite_colour: 'blue',
      'client_name#fr': 'Hôte',
    })
    expect(info).toMatchObject({ logo_uri: 'https://host.example/logo.png', contacts: ['ops@host.example'], software_version: '2.0' })
    expect(info).not.toHaveProperty('favourite_colour')
    const stored = await s.storage.getClient(String(info.client_id))
    expect(stored?.metadata).toEqual({
      client_uri: 'https://host.example/',
      logo_uri: 'https://host.example/logo.png',
      contacts: ['ops@host.example'],
      software_id: 'host',
      software_version: '2.0',
    })
    expect(JSON.stringify(stored)).not.toContain('blue')
  })
})

describe('RFC 7591 §3.2.2: refused metadata', () => {
  it('RFC 9700 §4.1.3 / RFC 7591 §3.2.2: a javascript: or userinfo redirect URI is invalid_redirect_uri', async () => {
    const s = registrationSetup()
    for (const uri of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'https://user@app.example/cb',
      'https://app.example/cb#frag',
      'http://app.example/cb',
    ]) {
      await expectError(postRegistration(s, { ...NATIVE, redirect_uris: [uri] }), 'invalid_redirect_uri')
    }
    expect(await s.storage.listClients()).toEqual([])
  })

  it('RFC 8252 §7.3: http redirect URIs on localhost and 127.0.0.1 with a port are accepted for native apps', async () => {
    const s = registrationSetup()
    const info = await registered(s, { ...NATIVE, redirect_uris: ['http://localhost:6274/oauth/callback', 'http://127.0.0.1:8976/cb'] })
    expect(info.redirect_uris).toEqual(['http://localhost:6274/oauth/callback', 'http://127.0.0.1:8976/cb'])
  })

  it('RFC 7591 §3.2.2: an open registration asking for client_credentials, implicit or password is invalid_client_metadata', async () => {
    const s = registrationSetup(
      { policy: 'open' },
      { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'password'] },
    )
    for (const grant of ['client_credentials', 'implicit', 'password']) {
      const body = await expectError(
        postRegistration(s, { ...NATIVE, token_endpoint_auth_method: 'client_secret_basic', grant_types: [grant] }),
        'invalid_client_metadata',
      )
      expect(body.error_description).toContain(grant)
    }
    await expectError(postRegistration(s, { ...NATIVE, response_types: ['token'] }), 'invalid_client_metadata')
    expect(await s.storage.listClients()).toEqual([])
  })

  it('RFC 7591 §2: private_key_jwt without jwks or jwks_uri, client_secret_jwt and an unknown method are refused', async () => {
    const s = registrationSetup()
    const body = await expectError(
      postRegistration(s, { ...NATIVE, token_endpoint_auth_method: 'private_key_jwt' }),
      'invalid_client_metadata',
    )
    expect(body.error_description).toMatch(/private_key_jwt needs jwks or jwks_uri/)
    const hmac = await expectError(
      postRegistration(s, { ...NATIVE, token_endpoint_auth_method: 'client_secret_jwt' }),
      'invalid_client_metadata',
    )
    expect(hmac.error_description).toMatch(/client secrets are stored hashed/)
    await expectError(postRegistration(s, { ...NATIVE, token_endpoint_auth_method: 'tls_client_auth' }), 'invalid_client_metadata')
  })

  it('RFC 7591 §2: a scope the server does not define, jwks with jwks_uri, a private key or an http jwks_uri is invalid_client_metadata', async () => {
    const s = registrationSetup()
    await expectError(postRegistration(s, { ...NATIVE, scope: 'read admin' }), 'invalid_client_metadata')
    await expectError(
      postRegistration(s, { ...NATIVE, jwks: { keys: [] }, jwks_uri: 'https://host.example/jwks' }),
      'invalid_client_metadata',
    )
    await expectError(postRegistration(s, { ...NATIVE, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }), 'invalid_client_metadata')
    await expectError(postRegistration(s, { ...NATIVE, jwks_uri: 'http://host.example/jwks' }), 'invalid_client_metadata')
  })

  it('RFC 7591 §3.1: a display link that is not https (logo_uri, client_uri, tos_uri, policy_uri) is dropped, not stored', async () => {
    const s = registrationSetup()
    const info = await registered(s, {
      ...NATIVE,
      logo_uri: 'http://host.example/logo.png',
      client_uri: 'javascript:alert(1)',
      tos_uri: 'https://host.example/tos',
    })
    expect(info).not.toHaveProperty('logo_uri')
    expect(info).not.toHaveProperty('client_uri')
    expect((await s.storage.getClient(String(info.client_id)))?.metadata).toEqual({ tos_uri: 'https://host.example/tos' })
  })

  it('RFC 7591 §3.1: a body that is not a JSON object is invalid_client_metadata, too large is 413, never a 500', async () => {
    const s = registrationSetup()
    for (const body of [
      '{',
      '[]',
      'null',
      '"x"',
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      JSON.stringify({ ...NATIVE, redirect_uris: 'x' }),
    ]) {
      await expectError(postRegistration(s, body), 'invalid_client_metadata')
    }
    await expectError(postRegistration(s, NATIVE, { 'content-type': 'application/x-www-form-urlencoded' }), 'invalid_client_metadata')
    await expectError(postRegistration(s, { ...NATIVE, client_name: 'x'.repeat(70_000) }), 'invalid_request', 413)
  })

  it('RFC 7591 §5, RFC 9700 §2.1: skip_authorization and introspection in the body are ignored', async () => {
    const s = registrationSetup()
    const info = await registered(s, { ...NATIVE, skip_authorization: true, introspection: true })
    expect(info).not.toHaveProperty('skip_authorization')
    expect(await s.storage.getClient(String(info.client_id))).toMatchObject({ skip_authorization: false, introspection: false })
    // The consent page still shows: the user is asked.
    const started = await begin({ client_id: String(info.client_id) }, { redirect_uri: NATIVE.redirect_uris[0] as string })
    const page = await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('name="interaction"')
  })

  it("RFC 7592 §2: a dynamic client cannot introspect other clients' tokens", async () => {
    const s = registrationSetup()
    const info = await registered(s, { redirect_uris: [REDIRECT_URI], introspection: true })
    const reg = {
      client: { client_id: String(info.client_id) },
      auth: oauth.ClientSecretBasic(String(info.client_secret)),
      secret: undefined,
    }
    const other = await s.provider.clients.create({ client_name: 'Other', grant_types: ['client_credentials'] })
    const token = await s.fetch(`${ISSUER}/token/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${other.client.client_id}:${other.client_secret}`)}`,
      },
      body: 'grant_type=client_credentials',
    })
    const { access_token } = (await token.json()) as { access_token: string }
    expect(await introspect(s, reg, access_token)).toEqual({ active: false })
  })
})

describe('RFC 8414 §2: registration_endpoint in the server metadata', () => {
  it('RFC 8414 §2: discovery names registration_endpoint only when registration is on; off, the endpoint is 404', async () => {
    const on = registrationSetup()
    const off = setup()
    const read = async (s: typeof on) =>
      (await (await s.fetch(`https://as.example/.well-known/oauth-authorization-server/o`)).json()) as Record<string, unknown>
    expect((await read(on)).registration_endpoint).toBe(REGISTRATION_ENDPOINT)
    expect(await read(off)).not.toHaveProperty('registration_endpoint')
    expect((await postRegistration(off, NATIVE)).status).toBe(404)
    expect((await off.fetch(`${REGISTRATION_ENDPOINT}abc`)).status).toBe(404)
  })
})
