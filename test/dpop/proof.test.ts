import { type ProviderConfig, sha256Hex } from '@grantline/core'
import { exportJWK, generateSecret, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { basic, form, setup } from '../support/provider.js'
import { dpopKeys, proof, TOKEN_ENDPOINT, thumbprint } from './support.js'

/** A provider on the real clock (hand-made proofs carry real times) and a client_credentials client. */
async function withClient(overrides: Partial<ProviderConfig> = {}) {
  const s = setup({ now: () => Date.now(), ...overrides })
  const { client, client_secret } = await s.provider.clients.create({ client_name: 'Agent', grant_types: ['client_credentials'] })
  const authorization = basic(client.client_id, client_secret!)
  /** POSTs a client_credentials request carrying `dpop` (one header, or several). */
  const tokenRequest = (dpop?: string | string[], url = TOKEN_ENDPOINT) => {
    const { headers, ...init } = form({ grant_type: 'client_credentials' })
    const all = new Headers({ ...headers, authorization })
    for (const value of [dpop ?? []].flat()) all.append('dpop', value)
    return s.provider.handle(new Request(url, { ...init, headers: all }))
  }
  return { s, tokenRequest }
}

async function refused(response: Response, error = 'invalid_dpop_proof') {
  expect(response.status).toBe(400)
  expect(await response.json()).toMatchObject({ error })
}

const now = () => Math.floor(Date.now() / 1000)

describe('DPoP proofs (RFC 9449 §4.3, §11)', () => {
  it('a valid hand-made proof gives a DPoP token (the baseline of the refusals below)', async () => {
    const { tokenRequest } = await withClient()
    const response = await tokenRequest(await proof(await dpopKeys()))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ token_type: 'DPoP' })
  })

  it('RFC 9449 §4.2, RFC 7638: proofs by RS256, PS256 and EdDSA keys bind the token to the key thumbprint jose computes', async () => {
    const { s, tokenRequest } = await withClient()
    for (const alg of ['RS256', 'PS256', 'EdDSA']) {
      const keys = await dpopKeys(alg)
      // Twice: the second proof is verified with the key imported for the first.
      for (let i = 0; i < 2; i++) {
        const response = await tokenRequest(await proof(keys, {}, { alg }))
        expect(response.status).toBe(200)
        const { access_token } = (await response.json()) as { access_token: string }
        const found = await s.storage.findAccessToken(sha256Hex(access_token), now())
        expect(found?.token.cnf_jkt).toBe(await thumbprint(keys))
      }
    }
  })

  it('RFC 9449 §11.1: a replayed proof is refused', async () => {
    const { tokenRequest } = await withClient()
    const once = await proof(await dpopKeys())
    expect((await tokenRequest(once)).status).toBe(200)
    await refused(await tokenRequest(once))
  })

  it('RFC 9449 §4.3: a proof for another URL (htu) is refused', async () => {
    const { tokenRequest } = await withClient()
    await refused(await tokenRequest(await proof(await dpopKeys(), { htu: 'https://as.example/o/introspect/' })))
    await refused(await tokenRequest(await proof(await dpopKeys(), { htu: 'https://evil.example/o/token/' })))
  })

  it('RFC 9449 §4.3: htu is compared without query and fragment, with scheme and host normalised', async () => {
    const { tokenRequest } = await withClient()
    const response = await tokenRequest(await proof(await dpopKeys(), { htu: 'HTTPS://AS.EXAMPLE:443/o/token/?x=1#y' }))
    expect(response.status).toBe(200)
  })

  it('RFC 9449 §4.3: behind a proxy, htu is the issuer-based URL, not the URL the request arrived at', async () => {
    const { tokenRequest } = await withClient()
    const internal = 'http://10.0.0.5:8080/o/token/'
    expect((await tokenRequest(await proof(await dpopKeys()), internal)).status).toBe(200)
    await refused(await tokenRequest(await proof(await dpopKeys(), { htu: internal }), internal))
  })

  it('RFC 9449 §4.3: a proof for another method (htm) is refused', async () => {
    const { tokenRequest } = await withClient()
    await refused(await tokenRequest(await proof(await dpopKeys(), { htm: 'GET' })))
  })

  it('RFC 9449 §11.1: a stale iat is refused, and one too far ahead', async () => {
    const { tokenRequest } = await withClient()
    await refused(await tokenRequest(await proof(await dpopKeys(), { iat: now() - 120 })))
    await refused(await tokenRequest(await proof(await dpopKeys(), { iat: now() + 120 })))
  })

  it('RFC 9449 §4.3: a proof without jti is refused', async () => {
    const { tokenRequest } = await withClient()
    const keys = await dpopKeys()
    const noJti = await new SignJWT({ htm: 'POST', htu: TOKEN_ENDPOINT, iat: now() })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportJWK(keys.publicKey) })
      .sign(keys.privateKey)
    await refused(await tokenRequest(noJti))
  })

  it('RFC 9449 §4.3: a private key in the jwk header is refused', async () => {
    const { tokenRequest } = await withClient()
    const keys = await dpopKeys()
    await refused(await tokenRequest(await proof(keys, {}, { jwk: await exportJWK(keys.privateKey) })))
  })

  it('RFC 9449 §4.3: a proof signed by another key than its jwk is refused', async () => {
    const { tokenRequest } = await withClient()
    const other = await dpopKeys()
    await refused(await tokenRequest(await proof(await dpopKeys(), {}, { jwk: await exportJWK(other.publicKey) })))
  })

  it('RFC 9449 §4.3: alg none and a symmetric alg (HS256) are refused', async () => {
    const { tokenRequest } = await withClient()
    const keys = await dpopKeys()
    const jwk = await exportJWK(keys.publicKey)
    const encode = (value: object) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    const unsigned = `${encode({ typ: 'dpop+jwt', alg: 'none', jwk })}.${encode({ htm: 'POST', htu: TOKEN_ENDPOINT, iat: now(), jti: 'a' })}.`
    await refused(await tokenRequest(unsigned))
    const secret = await generateSecret('HS256', { extractable: true })
    const hs = await new SignJWT({ htm: 'POST', htu: TOKEN_ENDPOINT, iat: now(), jti: 'b' })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: await exportJWK(secret) })
      .sign(secret)
    await refused(await tokenRequest(hs))
  })

  it('RFC 9449 §4.3: a JWT of another type (typ) is refused', async () => {
    const { tokenRequest } = await withClient()
    await refused(await tokenRequest(await proof(await dpopKeys(), {}, { typ: 'JWT' })))
  })

  it('RFC 9449 §4.3: an algorithm outside dpop.algs is refused', async () => {
    const { tokenRequest } = await withClient({ dpop: { algs: ['EdDSA'] } })
    await refused(await tokenRequest(await proof(await dpopKeys())))
  })

  it('RFC 9449 §4.3: two DPoP headers are refused', async () => {
    const { tokenRequest } = await withClient()
    const keys = await dpopKeys()
    await refused(await tokenRequest([await proof(keys), await proof(keys)]))
  })

  it('RFC 9449 §4.3: a value that is no JWT is refused, never a server error', async () => {
    const { tokenRequest } = await withClient()
    for (const value of ['x', 'a.b.c', 'e30.e30.', 'x'.repeat(9000)]) await refused(await tokenRequest(value))
  })

  it('RFC 9449 §8: with nonces required, a proof without one gets use_dpop_nonce and a DPoP-Nonce header', async () => {
    const { tokenRequest } = await withClient({ dpop: { nonce: true } })
    const keys = await dpopKeys()
    const first = await tokenRequest(await proof(keys))
    expect(first.headers.get('dpop-nonce')).toMatch(/^[\w-]{43}$/)
    await refused(first, 'use_dpop_nonce')
    const nonce = first.headers.get('dpop-nonce')!
    const second = await tokenRequest(await proof(keys, { nonce }))
    expect(second.status).toBe(200)
    expect(second.headers.get('dpop-nonce')).toBe(nonce)
    await refused(await tokenRequest(await proof(keys, { nonce: 'made-up' })), 'use_dpop_nonce')
  })

  it('RFC 9449 §8: a stale nonce is refused with use_dpop_nonce; the previous one is still accepted', async () => {
    let offset = 0
    const { tokenRequest } = await withClient({ dpop: { nonce: true, nonceSeconds: 300 }, now: () => Date.now() + offset * 1000 })
    const keys = await dpopKeys()
    const nonce = (await tokenRequest(await proof(keys))).headers.get('dpop-nonce')!
    // One step on, the nonce is the previous one: still accepted.
    offset = 300
    expect((await tokenRequest(await proof(keys, { nonce, iat: now() + offset }))).status).toBe(200)
    offset = 900
    const stale = await tokenRequest(await proof(keys, { nonce, iat: now() + offset }))
    const fresh = stale.headers.get('dpop-nonce')
    await refused(stale, 'use_dpop_nonce')
    expect(fresh).not.toBe(nonce)
    expect((await tokenRequest(await proof(keys, { nonce: fresh!, iat: now() + offset }))).status).toBe(200)
  })

  it('RFC 9449 §8: a nonce made under a previous secret is accepted after a rotation', async () => {
    const old = 'old-secret-0123456789-abcdefghijklmnopq'
    const before = await withClient({ dpop: { nonce: true }, secrets: [old] })
    const nonce = (await before.tokenRequest(await proof(await dpopKeys()))).headers.get('dpop-nonce')!
    const after = await withClient({ dpop: { nonce: true }, secrets: ['new-secret-0123456789-abcdefghijklmnopq', old] })
    expect((await after.tokenRequest(await proof(await dpopKeys(), { nonce }))).status).toBe(200)
  })
})
