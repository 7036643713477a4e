import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createClientKeys } from '../../packages/core/src/clients/client-keys.js'
import { type ClientJwtExpectation, verifyClientJwt } from '../../packages/core/src/clients/verify-client-jwt.js'
import type { Client } from '../../packages/core/src/contracts/storage.js'
import { OAuthError } from '../../packages/core/src/primitives/errors.js'
import { publicJwksProblem } from '../../packages/core/src/protocol/public-jwks.js'

const JWKS_URI = 'https://client.example/jwks.json'
const AUD = 'https://as.example/token'

async function keyPair(kid: string, alg = 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid } }
}

function clientWith(metadata: Client['metadata']): Client {
  return { client_id: 'c1', metadata } as Client
}

function setup(serve: () => Response) {
  let now = 1_800_000_000
  const calls: string[] = []
  const keys = createClientKeys({
    seconds: () => now,
    clientIdMetadataDocuments: undefined,
    fetch: (async (url: string) => {
      calls.push(url)
      return serve()
    }) as typeof fetch,
  })
  return { keys, calls, advance: (s: number) => (now += s), now: () => now }
}

const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json', ...headers } })

async function sign(key: Awaited<ReturnType<typeof keyPair>>, claims: Record<string, unknown>, now: number) {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer('c1')
    .setAudience(AUD)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(key.privateKey)
}

const expectation = (now: number): ClientJwtExpectation => ({ audience: AUD, now, clockSkew: 5, maxLength: 8192, maxLifetime: 300 })
const fail = (description: string) => new OAuthError('invalid_client', description)

describe('client keys (RFC 7591 §2 jwks, jwks_uri)', () => {
  it('RFC 7523 §3: a JWT signed by a key in the client jwks verifies', async () => {
    const key = await keyPair('k1')
    const s = setup(() => json({}))
    const client = clientWith({ jwks: { keys: [key.jwk] } })
    const payload = await verifyClientJwt(s.keys, client, await sign(key, {}, s.now()), expectation(s.now()), fail)
    expect(payload.iss).toBe('c1')
    expect(s.calls).toHaveLength(0)
  })

  it('RFC 7591 §2: jwks_uri is fetched once and cached, refetched once on an unknown kid, at most once a minute', async () => {
    const old = await keyPair('old')
    const rotated = await keyPair('new')
    let published = [old.jwk]
    const s = setup(() => json({ keys: published }, { 'cache-control': 'max-age=600' }))
    const client = clientWith({ jwks_uri: JWKS_URI })
    await verifyClientJwt(s.keys, client, await sign(old, {}, s.now()), expectation(s.now()), fail)
    await verifyClientJwt(s.keys, client, await sign(old, {}, s.now()), expectation(s.now()), fail)
    expect(s.calls).toEqual([JWKS_URI])
    published = [old.jwk, rotated.jwk]
    // Within a minute of the fetch, an unknown kid does not refetch.
    await expect(verifyClientJwt(s.keys, client, await sign(rotated, {}, s.now()), expectation(s.now()), fail)).rejects.toThrow(
      /no key of the client matches/,
    )
    expect(s.calls).toHaveLength(1)
    s.advance(60)
    await verifyClientJwt(s.keys, client, await sign(rotated, {}, s.now()), expectation(s.now()), fail)
    expect(s.calls).toHaveLength(2)
  })

  it('RFC 7523 §3: alg none and HS256 are refused whatever the keys', async () => {
    const key = await keyPair('k1')
    const s = setup(() => json({}))
    const client = clientWith({ jwks: { keys: [key.jwk] } })
    const none = new UnsecuredJWT({})
      .setIssuer('c1')
      .setAudience(AUD)
      .setExpirationTime(s.now() + 60)
      .encode()
    await expect(verifyClientJwt(s.keys, client, none, expectation(s.now()), fail)).rejects.toThrow(/algorithm is not allowed/)
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('c1')
      .setAudience(AUD)
      .setExpirationTime(s.now() + 60)
      .sign(new Uint8Array(32))
    await expect(verifyClientJwt(s.keys, client, hs, expectation(s.now()), fail)).rejects.toThrow(/algorithm is not allowed/)
  })

  it('RFC 7523 §3: exp more than five minutes ahead is refused', async () => {
    const key = await keyPair('k1')
    const s = setup(() => json({}))
    const client = clientWith({ jwks: { keys: [key.jwk] } })
    const far = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('c1')
      .setAudience(AUD)
      .setExpirationTime(s.now() + 3600)
      .sign(key.privateKey)
    await expect(verifyClientJwt(s.keys, client, far, expectation(s.now()), fail)).rejects.toThrow(/more than 300 seconds ahead/)
  })

  it('a jwks_uri on a special-use address is not fetched, and a redirect is not followed', async () => {
    const key = await keyPair('k1')
    const s = setup(() => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }))
    const jwt = await sign(key, {}, s.now())
    await expect(
      verifyClientJwt(s.keys, clientWith({ jwks_uri: 'https://127.0.0.1/jwks' }), jwt, expectation(s.now()), fail),
    ).rejects.toThrow(/special-use/)
    expect(s.calls).toHaveLength(0)
    await expect(verifyClientJwt(s.keys, clientWith({ jwks_uri: JWKS_URI }), jwt, expectation(s.now()), fail)).rejects.toThrow(
      /jwks_uri could not be read/,
    )
  })

  it('RFC 7517 §9.2: a JWK Set with private parts is refused, at registration and when fetched', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const privateJwk = await exportJWK(privateKey)
    expect(publicJwksProblem({ keys: [privateJwk] })).toMatch(/private member "d"/)
    expect(publicJwksProblem({ keys: [{ kty: 'oct', k: 'AAAA' }] })).toMatch(/kty RSA, EC or OKP/)
    expect(publicJwksProblem({ keys: [] })).toMatch(/non-empty/)
    const key = await keyPair('k1')
    expect(publicJwksProblem({ keys: [key.jwk] })).toBeUndefined()
    const s = setup(() => json({ keys: [privateJwk] }))
    await expect(
      verifyClientJwt(s.keys, clientWith({ jwks_uri: JWKS_URI }), await sign(key, {}, s.now()), expectation(s.now()), fail),
    ).rejects.toThrow(/private member/)
  })

  it('RFC 7517 §9.2: a private member is judged by its value: d undefined or null is a public key, any value of a private member is refused', async () => {
    const key = await keyPair('k1')
    for (const empty of [undefined, null]) {
      const jwks = { keys: [{ ...key.jwk, d: empty, p: empty, k: empty }] }
      expect(publicJwksProblem(jwks)).toBeUndefined()
      // jose takes any `d` for a private key, so the empty members are dropped before it sees them.
      const s = setup(() => json(jwks))
      const jwt = await sign(key, {}, s.now())
      await expect(verifyClientJwt(s.keys, clientWith({ jwks }), jwt, expectation(s.now()), fail)).resolves.toMatchObject({ iss: 'c1' })
      await expect(verifyClientJwt(s.keys, clientWith({ jwks_uri: JWKS_URI }), jwt, expectation(s.now()), fail)).resolves.toMatchObject({
        iss: 'c1',
      })
    }
    const rsa = await keyPair('r1', 'RS256')
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) {
      for (const value of ['AQAB', '', 0, false, []]) {
        const base = member === 'd' ? key.jwk : rsa.jwk
        expect(publicJwksProblem({ keys: [{ ...base, [member]: value }] })).toBe(
          `a key in jwks has the private member "${member}": register public keys only (RFC 7517 section 9.2)`,
        )
      }
    }
    // A symmetric key is refused by its type, whatever its k.
    expect(publicJwksProblem({ keys: [{ kty: 'oct', k: undefined }] })).toMatch(/kty RSA, EC or OKP/)
  })
})
