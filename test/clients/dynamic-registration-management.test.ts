import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { begin, codeFlow, introspect, location, redeem } from '../e2e/support.js'
import { authorizeAs, ISSUER, REDIRECT_URI } from '../support/provider.js'
import { configure, expectError, NATIVE, registered, registrationSetup } from './dynamic-registration-support.js'

const WEB = { client_name: 'Web app', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'] }

describe('RFC 7592 client configuration endpoint', () => {
  it('RFC 7592 §2.1: GET with the registration access token returns the registration, without any secret', async () => {
    const s = registrationSetup()
    const info = await registered(s, { ...WEB, logo_uri: 'https://app.example/logo.png' })
    const response = await configure(s, info.registration_client_uri, info.registration_access_token)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const read = (await response.json()) as Record<string, unknown>
    const { client_secret, registration_access_token, ...rest } = info
    expect(read).toEqual(rest)
    expect(JSON.stringify(read)).not.toContain(String(client_secret))
  })

  it('RFC 7592 §2.1: a wrong token, none, an unknown client and an operator client all get the same 401 invalid_token', async () => {
    const s = registrationSetup()
    const info = await registered(s, WEB)
    const operator = await s.provider.clients.create({ client_name: 'Operator', redirect_uris: [REDIRECT_URI] })
    const uri = String(info.registration_client_uri)
    for (const [target, token] of [
      [uri, 'gl_ra_wrong'],
      [uri, String(info.client_secret)],
      [`${ISSUER}/register/unknown-client`, info.registration_access_token],
      [`${ISSUER}/register/${operator.client.client_id}`, info.registration_access_token],
      [`${ISSUER}/register/%E0%A4%A`, info.registration_access_token],
    ]) {
      const response = await configure(s, target, token)
      expect(response.headers.get('www-authenticate')).toContain('Bearer')
      await expectError(response, 'invalid_token', 401)
    }
  })

  it("RFC 7592 §2: client A's registration access token cannot read, change or delete client B", async () => {
    const s = registrationSetup()
    const a = await registered(s, WEB)
    const b = await registered(s, NATIVE)
    await expectError(configure(s, b.registration_client_uri, a.registration_access_token), 'invalid_token', 401)
    await expectError(
      configure(s, b.registration_client_uri, a.registration_access_token, 'PUT', {
        ...NATIVE,
        client_id: b.client_id,
        client_name: 'Mine',
      }),
      'invalid_token',
      401,
    )
    await expectError(configure(s, b.registration_client_uri, a.registration_access_token, 'DELETE'), 'invalid_token', 401)
    expect((await s.storage.getClient(String(b.client_id)))?.client_name).toBe('Example MCP host')
  })

  it('RFC 7592 §2.2: PUT replaces the registration, keeps the secret and rotates the registration access token; the old one stops working', async () => {
    const s = registrationSetup()
    const info = await registered(s, { ...WEB, logo_uri: 'https://app.example/logo.png' })
    const update = {
      client_id: info.client_id,
      client_secret: info.client_secret,
      client_name: 'Renamed',
      redirect_uris: ['https://app.example/cb2'],
    }
    const response = await configure(s, info.registration_client_uri, info.registration_access_token, 'PUT', update)
    const updated = (await response.json()) as Record<string, unknown>
    expect(response.status, JSON.stringify(updated)).toBe(200)
    // A full replacement: omitted members take their defaults (grant_types authorization_code), the logo is gone.
    expect(updated).toMatchObject({
      client_name: 'Renamed',
      redirect_uris: ['https://app.example/cb2'],
      grant_types: ['authorization_code'],
    })
    expect(updated).not.toHaveProperty('logo_uri')
    expect(updated).not.toHaveProperty('client_secret')
    expect(updated.registration_access_token).toMatch(/^gl_ra_/)
    expect(updated.registration_access_token).not.toBe(info.registration_access_token)
    await expectError(configure(s, info.registration_client_uri, info.registration_access_token), 'invalid_token', 401)
    expect((await configure(s, info.registration_client_uri, updated.registration_access_token)).status).toBe(200)
    // The secret still authenticates the client.
    const reg = {
      client: { client_id: String(info.client_id) },
      auth: oauth.ClientSecretBasic(String(info.client_secret)),
      secret: undefined,
    }
    const started = await begin(reg.client, { redirect_uri: 'https://app.example/cb2' })
    expect((await redeem(s, reg, started, location(await authorizeAs(s, s.users.signIn('user-1'), started.url)))).access_token).toMatch(
      /^gl_at_/,
    )
  })

  it('RFC 7592 §2.2: PUT needs the same client_id and, when sent, the current client_secret; it runs the registration checks', async () => {
    const s = registrationSetup()
    const info = await registered(s, WEB)
    const put = (body: Record<string, unknown>) => configure(s, info.registration_client_uri, info.registration_access_token, 'PUT', body)
    await expectError(put({ ...WEB }), 'invalid_client_metadata')
    await expectError(put({ ...WEB, client_id: 'other' }), 'invalid_client_metadata')
    await expectError(put({ ...WEB, client_id: info.client_id, client_secret: 'gl_cs_chosen-by-the-client' }), 'invalid_client_metadata')
    await expectError(put({ ...WEB, client_id: info.client_id, redirect_uris: ['javascript:alert(1)'] }), 'invalid_redirect_uri')
    await expectError(put({ ...WEB, client_id: info.client_id, grant_types: ['client_credentials'] }), 'invalid_client_metadata')
    await expectError(put({ ...WEB, client_id: info.client_id, token_endpoint_auth_method: 'none' }), 'invalid_client_metadata')
    await expectError(
      put({ ...WEB, client_id: info.client_id, skip_authorization: true, introspection: true, client_name: 'x'.repeat(256) }),
      'invalid_client_metadata',
    )
    // None of them changed anything, nor spent the token.
    expect((await configure(s, info.registration_client_uri, info.registration_access_token)).status).toBe(200)
  })

  it('RFC 7592 §2.3: DELETE answers 204, revokes every token and consent of the client, and the token stops working', async () => {
    const s = registrationSetup()
    const info = await registered(s, WEB)
    const reg = {
      client: { client_id: String(info.client_id) },
      auth: oauth.ClientSecretBasic(String(info.client_secret)),
      secret: undefined,
    }
    const tokens = await codeFlow(s, reg, s.users.signIn('user-1'))
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true })
    expect(await s.storage.listConsents('user-1')).toHaveLength(1)

    const deleted = await configure(s, info.registration_client_uri, info.registration_access_token, 'DELETE')
    expect(deleted.status).toBe(204)
    expect(await s.storage.getClient(String(info.client_id))).toBeNull()
    expect(await s.storage.listConsents('user-1')).toEqual([])
    // RFC 7662 §2.2: a resource server introspecting them learns they are inactive.
    const api = await s.provider.clients.create({ client_name: 'API', grant_types: ['client_credentials'], introspection: true })
    const rs = { client: { client_id: api.client.client_id }, auth: oauth.ClientSecretBasic(api.client_secret!), secret: undefined }
    expect(await introspect(s, rs, tokens.access_token)).toEqual({ active: false })
    expect(await introspect(s, rs, tokens.refresh_token!)).toEqual({ active: false })
    await expectError(configure(s, info.registration_client_uri, info.registration_access_token), 'invalid_token', 401)
  })

  it('RFC 7592 §2: other methods are 405 with Allow', async () => {
    const s = registrationSetup()
    const info = await registered(s, WEB)
    const response = await s.provider.handle(new Request(String(info.registration_client_uri), { method: 'POST' }))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, PUT, DELETE')
  })
})
