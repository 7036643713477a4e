import { memoryStorage, type ProviderConfig } from '@grantline/core'
import { testAccounts } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { KEY_ENCRYPTION_KEY } from '../oidc/authorize/support.js'
import { ISSUER, SECRET, setup } from '../support/provider.js'

const accounts = testAccounts([]).accounts

/** What `profile: 'fapi2'` must refuse at start-up, each with its own code. */
const CONFLICTS: [string, Partial<ProviderConfig>, string][] = [
  ['FAPI 2.0 §5.3.2.2: par.required false', { par: { required: false } }, 'ERR_FAPI2_PAR'],
  ['FAPI 2.0 §5.3.2.2: a request_uri living 600 s', { par: { ttl: 600 } }, 'ERR_FAPI2_PAR_TTL'],
  ["FAPI 2.0 §5.3.2.2: pkce.required 'public'", { pkce: { required: 'public' } }, 'ERR_FAPI2_PKCE'],
  ["FAPI 2.0 §5.3.2.2: pkce.required 'none'", { pkce: { required: 'none' } }, 'ERR_FAPI2_PKCE'],
  ['FAPI 2.0 §5.3.2.2: pkce.allowPlain', { pkce: { allowPlain: true } }, 'ERR_FAPI2_PKCE'],
  [
    'FAPI 2.0 §5.3.2.1: the password grant',
    { grantTypes: ['authorization_code', 'password'], accounts: { ...accounts, verifyPassword: async () => null } },
    'ERR_FAPI2_GRANT_TYPE',
  ],
  [
    'FAPI 2.0 §5.3.2.2: the implicit grant (implicit and hybrid response types)',
    { grantTypes: ['authorization_code', 'implicit'] },
    'ERR_FAPI2_GRANT_TYPE',
  ],
  [
    'FAPI 2.0 §5.3.2.1: a grant handler for password',
    {
      grants: [
        {
          grantType: 'password',
          handle: async () => {
            throw new Error('never called: the profile refuses the grant at start-up')
          },
        },
      ],
    },
    'ERR_FAPI2_GRANT_TYPE',
  ],
  ['FAPI 2.0 §5.3.2.2: codes living over 60 s', { ttl: { code: 61 } }, 'ERR_FAPI2_CODE_TTL'],
  ['FAPI 2.0 §5.3.2.1: dpop.required false (no sender-constrained tokens)', { dpop: { required: false } }, 'ERR_FAPI2_DPOP'],
  [
    'FAPI 2.0 §5.4.1: ID Tokens signed with RS256',
    { oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'RS256' } },
    'ERR_FAPI2_ALG',
  ],
  ['FAPI 2.0 §5.4.1: DPoP proofs signed with RS256', { dpop: { algs: ['ES256', 'RS256'] } }, 'ERR_FAPI2_ALG'],
]

describe("profile: 'fapi2' refuses a configuration that contradicts it", () => {
  it.each(CONFLICTS)('%s is a start-up ConfigError', (_name, overrides, code) => {
    expect(() => setup({ profile: 'fapi2', ...overrides })).toThrow(expect.objectContaining({ name: 'ConfigError', code }))
  })

  it('FAPI 2.0 §5.3.2.1: a Storage that cannot remember a jti (so no DPoP, no private_key_jwt) cannot run the profile', () => {
    const { remember: _, ...forgetful } = memoryStorage()
    expect(() => setup({ profile: 'fapi2' }, forgetful)).toThrow(expect.objectContaining({ code: 'ERR_DPOP_NEEDS_REMEMBER' }))
  })

  it('a profile Grantline does not know is ERR_INVALID_CONFIG', () => {
    expect(() => setup({ profile: 'fapi1' as unknown as 'fapi2' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CONFIG', message: expect.stringContaining('profile') }),
    )
  })

  it('the same settings are accepted without the profile', () => {
    expect(() => setup({ par: { required: false }, pkce: { required: 'public' }, ttl: { code: 120 } })).not.toThrow()
    expect(() => setup({ issuer: ISSUER, storage: memoryStorage(), secrets: [SECRET] })).not.toThrow()
  })
})
