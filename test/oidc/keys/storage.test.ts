import { randomBytes } from 'node:crypto'
import { ConfigError, memoryStorage, type SigningKeyRecord, type Storage } from '@grantline/core'
import { base64url, compactDecrypt, decodeProtectedHeader } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it, vi } from 'vitest'
import { begin, location, register, via } from '../../e2e/support.js'
import { authorizeAs, ISSUER } from '../../support/provider.js'
import { fetchJwks, KEY_ENCRYPTION_KEY, type KeysSetup, keysSetup, kidOf, nowOf, publishedKids, signedInRp } from './support.js'

/** Private members of RSA, EC and OKP JWKs (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** Every object member name anywhere in a value. */
function memberNames(value: unknown, into: string[] = []): string[] {
  if (typeof value !== 'object' || value === null) return into
  for (const [name, inner] of Object.entries(value)) {
    into.push(name)
    memberNames(inner, into)
  }
  return into
}

describe('signing keys at rest (docs/architecture.md "Formats")', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    'docs/architecture.md "Formats": %s private keys are stored as compact JWE (dir, A256GCM) under keyEncryptionKey; no private member in any stored field',
    async (signingAlg) => {
      const s = keysSetup({ signingAlg })
      await fetchJwks(s)
      await s.provider.rotateSigningKey()
      const records = await s.storage.listSigningKeys()
      expect(records).toHaveLength(2)
      for (const record of records) {
        // RFC 7516 §7.1: five parts; `dir` has no encrypted key.
        const parts = record.private_jwe.split('.')
        expect(parts).toHaveLength(5)
        expect(parts[1]).toBe('')
        expect(decodeProtectedHeader(record.private_jwe)).toEqual({ alg: 'dir', enc: 'A256GCM' })
        for (const member of PRIVATE_MEMBERS) expect(memberNames(record)).not.toContain(member)

        // The key-encryption key opens it: the private half of the published key.
        const { plaintext } = await compactDecrypt(record.private_jwe, base64url.decode(KEY_ENCRYPTION_KEY))
        const jwk = JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, string>
        expect(jwk.d).toEqual(expect.any(String))
        const { use: _use, ...publicMembers } = record.public_jwk
        expect(jwk).toMatchObject({ ...publicMembers, kid: record.kid })
        expect(JSON.stringify(record)).not.toContain(jwk.d)
        // Any other key cannot.
        await expect(compactDecrypt(record.private_jwe, randomBytes(32))).rejects.toThrow()
      }
    },
  )

  it('ERR_INVALID_CONFIG: a keyEncryptionKey that is not base64url of 32 bytes is refused at start-up', () => {
    for (const keyEncryptionKey of ['', randomBytes(16).toString('base64url'), randomBytes(33).toString('base64url'), 'not base64url!']) {
      let thrown: unknown
      try {
        keysSetup({ keyEncryptionKey })
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(ConfigError)
      expect(thrown).toMatchObject({ code: 'ERR_INVALID_CONFIG', message: expect.stringContaining('keyEncryptionKey') })
    }
  })

  it('docs/architecture.md "Formats": an instance with another keyEncryptionKey fails closed: a generic server_error, the cause to onError, no new key', async () => {
    const a = keysSetup()
    const kid = kidOf((await signedInRp(a)).firstIdToken)
    const onError = vi.fn()
    const b = keysSetup({ keyEncryptionKey: randomBytes(32).toString('base64url') }, { onError, now: a.clock.now }, a.storage)
    const response = await redeemOpenIdCode(b)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: 'server_error', error_description: 'the server could not complete the request' })
    expect(onError).toHaveBeenCalledOnce()
    // The public key needs no decryption: still published; and nothing replaced the unreadable key.
    expect(await publishedKids(b)).toEqual([kid])
    expect((await a.storage.listSigningKeys()).map((key) => key.kid)).toEqual([kid])
  })
})

/**
 * Holds every caller of `listSigningKeys` until `parties` of them have read, so that each sees the
 * storage before any has written: the first-key race happens every time, not by luck.
 */
function barrierStorage(storage: Storage, parties: number) {
  const waiting: (() => void)[] = []
  const added: boolean[] = []
  const wrapped: Storage = {
    ...storage,
    async listSigningKeys() {
      const keys = await storage.listSigningKeys()
      if (waiting.length < parties) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve)
          if (waiting.length === parties) for (const release of waiting) release()
        })
      }
      return keys
    },
    async addSigningKey(key: SigningKeyRecord, options?: { ifNone?: boolean }) {
      const stored = await storage.addSigningKey(key, options)
      added.push(stored)
      return stored
    },
  }
  return { storage: wrapped, added }
}

describe('first-key creation', () => {
  it('docs/architecture.md "Formats": two instances making the first key at once on one storage end up with one key, which both publish and sign with', async () => {
    const shared = barrierStorage(memoryStorage(), 2)
    const a = keysSetup({ signingAlg: 'ES256' }, {}, shared.storage)
    const b = keysSetup({ signingAlg: 'ES256' }, { now: a.clock.now }, shared.storage)
    const [fromA, fromB] = await Promise.all([fetchJwks(a), fetchJwks(b)])

    // Both tried (insert-if-absent); one won; both answer the winner.
    expect(shared.added.sort()).toEqual([false, true])
    const stored = await shared.storage.listSigningKeys()
    expect(stored).toHaveLength(1)
    const kid = stored[0]!.kid
    expect(fromA.jwks.keys.map((key) => key.kid)).toEqual([kid])
    expect(fromB.jwks.keys.map((key) => key.kid)).toEqual([kid])
    expect(kidOf((await signedInRp(a)).firstIdToken)).toBe(kid)
    expect(kidOf((await signedInRp(b)).firstIdToken)).toBe(kid)
  })
})

/** A signed-in user's code flow with scope openid, up to the token response (raw, to see the status). */
async function redeemOpenIdCode(s: KeysSetup, scope = 'openid'): Promise<Response> {
  const reg = await register(s, { skip_authorization: true })
  const started = await begin(reg.client, { scope })
  const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
  const params = oauth.validateAuthResponse({ issuer: ISSUER }, reg.client, redirect, started.state)
  return oauth.authorizationCodeGrantRequest(
    { issuer: ISSUER, token_endpoint: `${ISSUER}/token/` },
    reg.client,
    reg.auth,
    params,
    started.redirectUri,
    started.verifier,
    via(s),
  )
}

describe('oidc.createKeysOnDemand: false (keys made by the CLI, wrangler or scheduled(), never in a request)', () => {
  const noKeys = () => {
    const onError = vi.fn()
    return {
      s: keysSetup({ createKeysOnDemand: false }, { onError, grantTypes: ['authorization_code', 'refresh_token', 'implicit'] }),
      onError,
    }
  }

  it('with no key the JWKS is empty and no key is made by reading it', async () => {
    const { s } = noKeys()
    expect((await fetchJwks(s)).jwks).toEqual({ keys: [] })
    expect(await s.storage.listSigningKeys()).toEqual([])
  })

  it('RFC 6749 §5.2: with no key an openid code redemption is a clean server_error (500 JSON, no-store), never a crash; no key is made', async () => {
    const { s, onError } = noKeys()
    const response = await redeemOpenIdCode(s)
    expect(response.status).toBe(500)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toEqual({ error: 'server_error', error_description: 'no signing key is available yet' })
    expect(onError).not.toHaveBeenCalled()
    expect(await s.storage.listSigningKeys()).toEqual([])
  })

  it('with no key, OAuth requests without openid still work: only ID Tokens need a key', async () => {
    const { s } = noKeys()
    const response = await redeemOpenIdCode(s, 'read')
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body.access_token).toMatch(/^gl_at_/)
    expect(body).not.toHaveProperty('id_token')
  })

  it('RFC 6749 §4.1.2.1: with no key a validated hybrid request gets server_error at its redirect_uri, not a 500 page', async () => {
    const { s } = noKeys()
    const reg = await register(s, {
      grant_types: ['authorization_code', 'implicit'],
      response_types: ['code id_token'],
      skip_authorization: true,
    })
    const started = await begin(reg.client, { scope: 'openid', response_type: 'code id_token', nonce: 'n-1' })
    const response = await authorizeAs(s, s.users.signIn('user-1'), started.url)
    expect(response.status).toBe(302)
    const params = new URLSearchParams(location(response).hash.slice(1))
    expect(Object.fromEntries(params)).toMatchObject({ error: 'server_error', state: started.state, iss: ISSUER })
  })

  it('provider.rotateSigningKey() (what `grantline keys rotate` and scheduled() call) makes the first key, signing at once', async () => {
    const { s } = noKeys()
    const now = nowOf(s)
    const first = await s.provider.rotateSigningKey()
    expect(first.activate_at).toBe(now)
    expect(await publishedKids(s)).toEqual([first.kid])
    expect(kidOf((await signedInRp(s)).firstIdToken)).toBe(first.kid)
  })
})
