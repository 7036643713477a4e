import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { ISSUER, setup } from '../support/provider.js'
import { app, csrfFor, get, post, registerApp } from './helpers.js'

const as: oauth.AuthorizationServer = { issuer: ISSUER, token_endpoint: `${ISSUER}/token/` }

async function keyPair() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'app-key' }, privateJwk: await exportJWK(privateKey) }
}

describe('management pages: private_key_jwt (RFC 7523) and the application public keys (RFC 7591 §2)', () => {
  it('RFC 7523 §2.2: an owner registers a private_key_jwt application with pasted JWKS JSON; no secret; its key works at the token endpoint', async () => {
    const s = setup()
    s.clock.set(Date.now())
    const alice = s.users.signIn('user-1')
    const form = await (await get(s, '/o/applications/register/', alice)).text()
    expect(form).toContain('name="auth" value="private_key_jwt"')
    expect(form).toContain('id="jwks_uri"')
    const key = await keyPair()
    const registered = await registerApp(s, alice, {
      'grant_type:client_credentials': 'on',
      auth: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [key.jwk] }),
    })
    expect(registered.secret).toBeUndefined()
    expect(registered.html).toContain('private key (private_key_jwt)')
    expect(registered.html).toMatch(/<dt>Public keys<\/dt><dd><ul class="plain"><li><code>EC app-key<\/code>/)
    const stored = await s.storage.getClient(registered.clientId)
    expect(stored).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      secret_hash: null,
      metadata: { jwks: { keys: [key.jwk] } },
    })
    const client = { client_id: registered.clientId }
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt({ key: key.privateKey, kid: 'app-key' }),
      new URLSearchParams(),
      {
        [oauth.customFetch]: s.fetch,
      },
    )
    expect((await oauth.processClientCredentialsResponse(as, client, response)).access_token).toMatch(/^gl_at_/)
  })

  it('RFC 7517 §9.2: a pasted private key, both a URL and JSON, or private_key_jwt without keys come back as the form with the reason', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const key = await keyPair()
    const cases: [Record<string, string>, RegExp][] = [
      [{ auth: 'private_key_jwt', jwks: JSON.stringify({ keys: [key.privateJwk] }) }, /private member/],
      [{ auth: 'private_key_jwt', jwks: JSON.stringify({ keys: [key.jwk] }), jwks_uri: 'https://app.example/jwks' }, /not both/],
      [{ auth: 'private_key_jwt' }, /needs the public keys/],
      [{ auth: 'private_key_jwt', jwks: '{not json' }, /must be JSON/],
    ]
    for (const [fields, reason] of cases) {
      const response = await post(s, '/o/applications/register/', alice, {
        client_name: 'Keyed',
        client_type: 'confidential',
        'grant_type:authorization_code': 'on',
        redirect_uris: 'https://app.example/cb',
        csrf: await csrfFor(s, alice),
        ...fields,
      })
      expect(response.status).toBe(400)
      expect(await response.text()).toMatch(reason)
    }
    expect(await s.storage.listClients()).toHaveLength(0)
  })

  it('an owner moves an application to a JWKS URL, then back to a client secret, which is shown once', async () => {
    const s = setup()
    const alice = s.users.signIn('user-1')
    const key = await keyPair()
    const { clientId } = await registerApp(s, alice, { auth: 'private_key_jwt', jwks: JSON.stringify({ keys: [key.jwk] }) })
    const edit = await (await get(s, app(clientId, 'update'), alice)).text()
    expect(edit).toMatch(/name="auth" value="private_key_jwt" checked/)
    const base = { client_name: 'Photo Printer', 'grant_type:authorization_code': 'on', redirect_uris: 'https://app.example/cb' }
    const moved = await post(s, app(clientId, 'update'), alice, {
      ...base,
      auth: 'private_key_jwt',
      jwks_uri: 'https://app.example/jwks.json',
      csrf: await csrfFor(s, alice),
    })
    expect(moved.status).toBe(303)
    expect((await s.storage.getClient(clientId))?.metadata).toStrictEqual({ jwks_uri: 'https://app.example/jwks.json' })
    const back = await post(s, app(clientId, 'update'), alice, { ...base, auth: 'secret', csrf: await csrfFor(s, alice) })
    expect(back.status).toBe(201)
    const secret = /id="client_secret"[^>]* value="([^"]+)"/.exec(await back.text())?.[1]
    expect(secret).toMatch(/^gl_cs_/)
    expect(await s.storage.getClient(clientId)).toMatchObject({ token_endpoint_auth_method: 'client_secret_basic', metadata: {} })
  })
})
