import { createHash } from 'node:crypto'
import { ConfigError, createProvider, memoryStorage, type ProviderConfig } from '@grantline/core'
import { decodeProtectedHeader } from 'jose'
import * as client from 'openid-client'
import { describe, expect, it } from 'vitest'
import { SECRET, setup } from '../../support/provider.js'
import {
  authorize,
  Browser,
  codeFlow,
  fragment,
  ISSUER,
  KEY_ENCRYPTION_KEY,
  opSetup,
  publishedKeys,
  REDIRECT_URI,
  registerClient,
  relyingParty,
  requestSecrets,
  type SigningAlg,
  verifyThroughJwks,
} from './support.js'

/** RFC 7518 §6 / RFC 8037 §2: the public key each algorithm publishes. */
const KEY_SHAPES: Record<SigningAlg, Record<string, unknown>> = {
  RS256: { kty: 'RSA', e: 'AQAB' },
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
}

/** Private members of RSA, EC and OKP JWKs (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/**
 * OIDC Core §3.1.3.6 / §3.3.2.11: the left half of the hash of the value, with the hash of the
 * algorithm: SHA-256 for RS256 and ES256, SHA-512 for EdDSA over Ed25519. Computed here with
 * node:crypto, independently of the provider's implementation.
 */
function leftHalf(value: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(value, 'ascii')
    .digest()
  return digest.subarray(0, digest.length / 2).toString('base64url')
}

describe.each<SigningAlg>(['RS256', 'ES256', 'EdDSA'])('ID Tokens signed with %s (oidc.signingAlg)', (alg) => {
  it(`OIDC Core §3.1.3.7: the code flow with ${alg}: discovery advertises it, the JWKS key matches it, openid-client and jose verify it`, async () => {
    const op = await opSetup({ alg })
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg)
    expect(config.serverMetadata().id_token_signing_alg_values_supported).toEqual([alg])

    const { tokens, nonce } = await codeFlow(config, new Browser(op))
    const header = decodeProtectedHeader(tokens.id_token!)
    expect(header).toMatchObject({ alg, typ: 'JWT' })

    const { keys } = await publishedKeys(op)
    expect(keys).toHaveLength(1)
    const [key] = keys
    expect(key).toMatchObject({ ...KEY_SHAPES[alg], kid: header.kid, alg, use: 'sig' })
    for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member)
    if (alg === 'RS256') expect(Buffer.from(key!.n as string, 'base64url').length * 8).toBe(2048)

    // jose accepts it under this algorithm alone (no algorithm confusion), and at_hash uses its hash.
    const { payload } = await verifyThroughJwks(op, tokens.id_token!, reg.client_id, [alg])
    expect(payload).toMatchObject({ sub: op.alice.sub, nonce, at_hash: leftHalf(tokens.access_token, alg) })
  })

  it(`OIDC Core §3.3.2.11: the hybrid flow with ${alg}: c_hash uses the algorithm's hash and openid-client accepts it`, async () => {
    const op = await opSetup({ alg })
    const reg = await registerClient(op)
    const config = await relyingParty(op, reg, { execute: [client.useCodeIdTokenResponseType] })
    const { state, nonce, verifier, challenge } = await requestSecrets()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const callback = await authorize(new Browser(op), url)
    const params = fragment(callback)
    const { payload } = await verifyThroughJwks(op, params.get('id_token')!, reg.client_id, [alg])
    expect(payload.c_hash).toBe(leftHalf(params.get('code')!, alg))
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
    })
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe(alg)
  })
})

describe('oidc.signingAlg: what is not offered', () => {
  const configWith = (signingAlg: string): ProviderConfig =>
    ({
      issuer: ISSUER,
      storage: memoryStorage(),
      accounts: setup().users.accounts,
      secrets: [SECRET],
      oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg },
    }) as unknown as ProviderConfig

  const thrown = (config: ProviderConfig) => {
    try {
      createProvider(config)
    } catch (error) {
      return error
    }
    throw new Error('createProvider accepted the configuration')
  }

  it('docs/architecture.md "Formats": HS256 is refused at start-up with ERR_HS256_UNSUPPORTED (client secrets are stored hashed, so no shared key)', () => {
    const error = thrown(configWith('HS256'))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toBeInstanceOf(TypeError)
    expect(error).toMatchObject({ code: 'ERR_HS256_UNSUPPORTED' })
    expect((error as Error).message).toMatch(/hashed/)
  })

  it.each(['PS256', 'RS512', 'none', 'HS512'])('a signingAlg outside RS256, ES256 and EdDSA (%s) is ERR_INVALID_CONFIG', (alg) => {
    const error = thrown(configWith(alg))
    expect(error).toMatchObject({ code: 'ERR_INVALID_CONFIG', message: expect.stringContaining('oidc.signingAlg') })
  })

  it('RS256 is the default', async () => {
    const op = await opSetup({ config: { oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY } } })
    const metadata = (await (await op.fetch(`${ISSUER}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256'])
    expect((await publishedKeys(op)).keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256' })
  })
})
