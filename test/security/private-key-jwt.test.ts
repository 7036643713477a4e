import { ConfigError, createProvider, memoryStorage, privateKeyJwt, type Storage } from '@grantline/core'
import { testAccounts } from '@grantline/testing'
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { form, ISSUER, SECRET, setup } from '../support/provider.js'

const TOKEN_ENDPOINT = `${ISSUER}/token/`
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

async function keyPair(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid }, privateJwk: { ...(await exportJWK(privateKey)), kid } }
}

type Key = Awaited<ReturnType<typeof keyPair>>

async function withClient(overrides: { keys?: Key[]; storage?: Storage } = {}) {
  const s = setup({}, overrides.storage)
  const key = await keyPair('k1')
  const { client } = await s.provider.clients.create({
    client_name: 'Signed',
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['client_credentials'],
    jwks: { keys: (overrides.keys ?? [key]).map((k) => k.jwk) },
  })
  const now = Math.floor(s.clock.now() / 1000)
  /** An assertion as RFC 7523 §3 wants it, with `claims` and `header` overriding. */
  const assertion = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, signer: Key = key) =>
    new SignJWT({ iss: client.client_id, sub: client.client_id, aud: ISSUER, jti: crypto.randomUUID(), iat: now, exp: now + 60, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid, ...header })
      .sign(signer.privateKey)
  const token = (clientAssertion: string, extra: Record<string, string> = {}) =>
    s.provider.handle(
      new Request(
        TOKEN_ENDPOINT,
        form({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion, ...extra }),
      ),
    )
  return { ...s, key, client, now, assertion, token }
}

async function refused(response: Response, error = 'invalid_client') {
  expect(response.status).toBeGreaterThanOrEqual(400)
  expect(response.status).toBeLessThan(500)
  expect(await response.json()).toMatchObject({ error })
}

describe('private_key_jwt security (RFC 7523 §3, RFC 7521 §4.2, OIDC Core §9)', () => {
  it('RFC 7523 §3: an assertion naming this issuer is accepted once; a replayed jti is invalid_client', async () => {
    const c = await withClient()
    const assertion = await c.assertion()
    expect((await c.token(assertion)).status).toBe(200)
    await refused(await c.token(assertion))
    // The same assertion with a fresh jti is fine: the refusal was the replay alone.
    expect(await c.token(await c.assertion())).toHaveProperty('status', 200)
  })

  it('draft-ietf-oauth-rfc7523bis §4 (audience injection): aud is the issuer alone, as a string; the token endpoint URL or an array naming this issuer among others is refused', async () => {
    const c = await withClient()
    await refused(await c.token(await c.assertion({ aud: TOKEN_ENDPOINT })))
    await refused(await c.token(await c.assertion({ aud: [ISSUER, 'https://attacker.example'] })))
    await refused(await c.token(await c.assertion({ aud: [ISSUER] })))
  })

  it('RFC 6749 §5.2, RFC 9110 §15.5.2: a malformed client_assertion is a 400 at the token endpoint, never a 401 without a challenge', async () => {
    const c = await withClient()
    const unsigned = `${btoa('{"alg":"ES256"}')}.${btoa('{}')}.AA`
    for (const malformed of ['a.b.c', unsigned]) {
      const response = await c.token(malformed)
      expect(response.status, malformed).toBe(400)
      expect(response.headers.get('www-authenticate')).toBeNull()
      expect(await response.json()).toMatchObject({ error: 'invalid_client' })
      // Introspection answers every invalid_client with a Basic challenge (RFC 7662 §2.3).
      const body = { token: 'x', client_assertion_type: ASSERTION_TYPE, client_assertion: malformed }
      const introspection = await c.provider.handle(new Request(`${ISSUER}/introspect/`, form(body)))
      expect(introspection.status).toBe(401)
      expect(introspection.headers.get('www-authenticate')).toMatch(/^Basic /)
    }
  })

  it('RFC 7523 §3: a jti is single use even when the same jti comes in a new assertion', async () => {
    const c = await withClient()
    expect((await c.token(await c.assertion({ jti: 'same' }))).status).toBe(200)
    await refused(await c.token(await c.assertion({ jti: 'same', exp: c.now + 120 })))
  })

  it('RFC 7523 §3: an assertion for another audience is refused', async () => {
    const c = await withClient()
    await refused(await c.token(await c.assertion({ aud: 'https://other.example/token' })))
    await refused(await c.token(await c.assertion({ aud: `${ISSUER}/introspect/` })))
  })

  it('RFC 7523 §3: iss and sub must both be the client_id', async () => {
    const c = await withClient()
    await refused(await c.token(await c.assertion({ iss: 'someone-else' })))
    await refused(await c.token(await c.assertion({ sub: 'someone-else' })))
    await refused(await c.token(await c.assertion(), { client_id: 'someone-else' }))
  })

  it('RFC 7523 §3: an expired assertion, one without exp, and one more than five minutes ahead are refused', async () => {
    const c = await withClient()
    await refused(await c.token(await c.assertion({ iat: c.now - 400, exp: c.now - 60 })))
    await refused(await c.token(await c.assertion({ exp: undefined })))
    await refused(await c.token(await c.assertion({ exp: c.now + 3600 })))
    await refused(await c.token(await c.assertion({ nbf: c.now + 600, exp: c.now + 660 })))
    await refused(await c.token(await c.assertion({ jti: undefined })))
  })

  it('RFC 7523 §3 (RFC 8725 §3.1): alg none and HS256 are refused', async () => {
    const c = await withClient()
    const none = new UnsecuredJWT({ jti: 'n1' })
      .setIssuer(c.client.client_id)
      .setSubject(c.client.client_id)
      .setAudience(ISSUER)
      .setExpirationTime(c.now + 60)
      .encode()
    await refused(await c.token(none))
    const hs = await new SignJWT({ jti: 'h1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(c.client.client_id)
      .setSubject(c.client.client_id)
      .setAudience(ISSUER)
      .setExpirationTime(c.now + 60)
      .sign(new TextEncoder().encode('a shared secret the server never keeps'))
    await refused(await c.token(hs))
  })

  it('RFC 7523 §3: a key the client did not register is refused: an unknown kid, or another client key', async () => {
    const c = await withClient()
    const stranger = await keyPair('k1')
    await refused(await c.token(await c.assertion({}, { kid: 'unknown' })))
    // Same kid, another key: the signature does not verify.
    await refused(await c.token(await c.assertion({}, {}, stranger)))
    const other = await c.provider.clients.create({
      client_name: 'Other',
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
      jwks: { keys: [{ ...stranger.jwk, kid: 'k2' }] },
    })
    // The other client's key, naming this client: refused, since keys are the named client's own.
    const signed = await new SignJWT({ iss: c.client.client_id, sub: c.client.client_id, aud: ISSUER, jti: 'x', exp: c.now + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k2' })
      .sign(stranger.privateKey)
    await refused(await c.token(signed))
    expect(other.client_secret).toBeUndefined()
  })

  it('RFC 8725 §3.11: a JWT of another kind (a request object, a DPoP proof) is not taken for a client assertion', async () => {
    const c = await withClient()
    await refused(await c.token(await c.assertion({}, { typ: 'oauth-authz-req+jwt' })))
    await refused(await c.token(await c.assertion({}, { typ: 'dpop+jwt' })))
    expect((await c.token(await c.assertion({}, { typ: 'JWT' }))).status).toBe(200)
  })

  it('RFC 6749 §2.3: an assertion together with a secret is refused (exactly one method)', async () => {
    const c = await withClient()
    const response = await c.provider.handle(
      new Request(TOKEN_ENDPOINT, {
        ...form({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await c.assertion() }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${c.client.client_id}:x`)}` },
      }),
    )
    await refused(response, 'invalid_request')
  })

  it('RFC 7517 §9.2: a JWK with private parts is refused by the clients API and at registration', async () => {
    const s = setup({ registration: { policy: 'open' } })
    const key = await keyPair('k1')
    await expect(
      s.provider.clients.create({
        client_name: 'Leaky',
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['client_credentials'],
        jwks: { keys: [key.privateJwk] },
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_CLIENT', message: expect.stringMatching(/private member "d"/) })
    const response = await s.provider.handle(
      new Request(`${ISSUER}/register/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: ['https://app.example/cb'],
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [key.privateJwk] },
        }),
      }),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' })
  })

  it('RFC 7517 §9.2: the clients API judges a private member by its value: d undefined or null is dropped, and the key authenticates', async () => {
    for (const empty of [undefined, null]) {
      const key = await keyPair('k1')
      const c = await withClient({ keys: [{ ...key, jwk: { ...key.jwk, d: empty } as typeof key.jwk }] })
      expect(c.client.metadata.jwks?.keys[0]).not.toHaveProperty('d')
      const stored = await c.provider.clients.get(c.client.client_id)
      expect(stored?.metadata.jwks).toEqual({ keys: [key.jwk] })
      const assertion = await new SignJWT({ iss: c.client.client_id, sub: c.client.client_id, aud: ISSUER, jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuedAt(c.now)
        .setExpirationTime(c.now + 60)
        .sign(key.privateKey)
      expect((await c.token(assertion)).status).toBe(200)
    }
  })

  it('RFC 7591 §2: registration takes private_key_jwt with jwks, issues no secret, and refuses it without keys', async () => {
    const s = setup({ registration: { policy: 'open' } })
    const key = await keyPair('k1')
    const register = (body: Record<string, unknown>) =>
      s.provider.handle(
        new Request(`${ISSUER}/register/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'private_key_jwt', ...body }),
        }),
      )
    const ok = await register({ jwks: { keys: [key.jwk] } })
    expect(ok.status).toBe(201)
    const info = await ok.json()
    expect(info).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } })
    expect(info.client_secret).toBeUndefined()
    expect(info.client_secret_expires_at).toBeUndefined()
    const without = await register({})
    expect(without.status).toBe(400)
    expect(await without.json()).toMatchObject({ error: 'invalid_client_metadata' })
    const both = await register({ jwks: { keys: [key.jwk] }, jwks_uri: 'https://app.example/jwks' })
    expect(await both.json()).toMatchObject({ error: 'invalid_client_metadata' })
  })

  it('OIDC Core §9: client_secret_jwt is refused with the reason, at registration, in the clients API and in configuration', async () => {
    const s = setup({ registration: { policy: 'open' } })
    const response = await s.provider.handle(
      new Request(`${ISSUER}/register/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'client_secret_jwt' }),
      }),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: 'invalid_client_metadata',
      error_description: expect.stringMatching(/stored hashed/),
    })
    await expect(s.provider.clients.create({ client_name: 'x', token_endpoint_auth_method: 'client_secret_jwt' })).rejects.toMatchObject({
      code: 'ERR_CLIENT_SECRET_JWT',
    })
    const fake = { name: 'client_secret_jwt', extract: () => null, verify: async () => false }
    expect(() =>
      createProvider({
        issuer: ISSUER,
        storage: memoryStorage(),
        accounts: testAccounts([]).accounts,
        secrets: [SECRET],
        clientAuthMethods: [fake],
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SECRET_JWT' }))
  })

  it('RFC 7523 §3: without a Storage that can remember a jti, private_key_jwt is not offered, and asking for it is a start-up error', async () => {
    const { remember: _, ...storage } = memoryStorage()
    const config = {
      issuer: ISSUER,
      storage: storage as Storage,
      accounts: testAccounts([]).accounts,
      secrets: [SECRET],
      onWarning: () => {},
    }
    const provider = createProvider(config)
    const metadata = await (await provider.handle(new Request('https://as.example/.well-known/oauth-authorization-server/o'))).json()
    expect(metadata.token_endpoint_auth_methods_supported).not.toContain('private_key_jwt')
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toBeUndefined()
    let error: unknown
    try {
      createProvider({ ...config, clientAuthMethods: [privateKeyJwt] })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ code: 'ERR_PRIVATE_KEY_JWT_STORAGE' })
  })
})
