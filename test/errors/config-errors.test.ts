import {
  type AccountStore,
  type Accounts,
  ConfigError,
  createProvider,
  localAccounts,
  memoryStorage,
  type ProviderConfig,
  type Storage,
} from '@grantline/core'
import { nonAtomicStorage, testAccounts } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { ISSUER, SECRET } from '../support/provider.js'

const accounts = testAccounts([{ sub: 'user-1', username: 'alice', password: 'correct horse' }]).accounts
const valid = (): ProviderConfig => ({ issuer: ISSUER, storage: memoryStorage(), accounts, secrets: [SECRET] })

/** Calls createProvider and answers what it threw. */
function thrown(config: unknown): unknown {
  try {
    createProvider(config as ProviderConfig)
  } catch (error) {
    return error
  }
  throw new Error('createProvider accepted the configuration')
}

function expectConfigError(config: unknown, code: string, message?: RegExp): void {
  const error = thrown(config)
  expect(error).toBeInstanceOf(TypeError)
  expect(error).toBeInstanceOf(ConfigError)
  expect((error as ConfigError).code).toBe(code)
  if (message) expect((error as ConfigError).message).toMatch(message)
}

describe('configuration errors are coded TypeErrors thrown at start-up', () => {
  it('a valid configuration is accepted', () => {
    expect(createProvider(valid()).issuer).toBe(ISSUER)
  })

  it('docs/architecture.md "Consent": missing secrets are ERR_INVALID_CONFIG', () => {
    const { secrets: _, ...config } = valid()
    expectConfigError(config, 'ERR_INVALID_CONFIG', /secrets/)
  })

  it('docs/architecture.md "Consent": an empty secrets list is ERR_INVALID_CONFIG', () => {
    expectConfigError({ ...valid(), secrets: [] }, 'ERR_INVALID_CONFIG', /secrets/)
  })

  it('docs/architecture.md "Consent": a secret shorter than 32 characters is ERR_INVALID_CONFIG', () => {
    expectConfigError({ ...valid(), secrets: [SECRET, 'short-secret'] }, 'ERR_INVALID_CONFIG', /secret/)
  })

  it('a secret read from an unset environment variable says what a secret is and how to make one', () => {
    const howTo =
      /each secret must be a string of at least 32 characters \(for example from `openssl rand -base64 32`, read from an environment variable such as GRANTLINE_SECRET\)/
    expectConfigError({ ...valid(), secrets: [undefined] }, 'ERR_INVALID_CONFIG', howTo)
    expectConfigError({ ...valid(), secrets: ['short-secret'] }, 'ERR_INVALID_CONFIG', howTo)
    for (const secrets of [[undefined], ['short-secret']]) {
      let error: unknown
      try {
        localAccounts({} as AccountStore, { secrets } as never)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(ConfigError)
      expect(error).toMatchObject({ code: 'ERR_INVALID_CONFIG', message: expect.stringMatching(/^localAccounts secrets\.0: /) })
      expect((error as ConfigError).message).toMatch(howTo)
    }
  })

  it('a missing or malformed oidc.keyEncryptionKey says what it is, where to keep it and how to make one', () => {
    const howTo =
      'oidc.keyEncryptionKey: must be base64url of 32 random bytes, kept outside storage (for example in an environment variable); make one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"`'
    for (const oidc of [{}, { keyEncryptionKey: undefined }, { keyEncryptionKey: 'too-short' }]) {
      const error = thrown({ ...valid(), oidc })
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).code).toBe('ERR_INVALID_CONFIG')
      expect((error as ConfigError).message).toContain(howTo)
    }
  })

  it('RFC 8414 §2: an issuer that is not an absolute URL (garbage, empty, relative) is ERR_INVALID_CONFIG, not a bare TypeError', () => {
    for (const issuer of ['not a url', '', '/o']) expectConfigError({ ...valid(), issuer }, 'ERR_INVALID_CONFIG', /issuer/)
  })

  it.each([
    ['not http(s)', 'ftp://as.example/o'],
    ['with a query', 'https://as.example/o?tenant=1'],
    ['with a fragment', 'https://as.example/o#top'],
  ])('RFC 8414 §2: an issuer %s is ERR_INVALID_CONFIG', (_why, issuer) => {
    expectConfigError({ ...valid(), issuer }, 'ERR_INVALID_CONFIG', /issuer/)
  })

  it('RFC 6749 §3.3: defaultScopes naming an unconfigured scope is ERR_INVALID_CONFIG', () => {
    expectConfigError({ ...valid(), defaultScopes: ['read', 'admin'] }, 'ERR_INVALID_CONFIG', /admin/)
  })

  it('RFC 6749 §4.3: the password grant without accounts.verifyPassword is ERR_INVALID_CONFIG', () => {
    const { verifyPassword: _, ...withoutPassword } = accounts
    expectConfigError(
      { ...valid(), accounts: withoutPassword as Accounts, grantTypes: ['authorization_code', 'password'] },
      'ERR_INVALID_CONFIG',
      /verifyPassword/,
    )
  })

  it('docs/architecture.md "Storage": a storage that is not atomic is ERR_STORAGE_NOT_ATOMIC', () => {
    expectConfigError({ ...valid(), storage: nonAtomicStorage() }, 'ERR_STORAGE_NOT_ATOMIC', /atomic/)
  })

  it('docs/architecture.md "Storage": a storage that declares no capabilities is ERR_STORAGE_NOT_ATOMIC', () => {
    const { capabilities: _, ...storage } = memoryStorage()
    expectConfigError({ ...valid(), storage: storage as Storage }, 'ERR_STORAGE_NOT_ATOMIC')
  })

  it('docs/architecture.md "Configuration": a storage that is not a Storage is ERR_INVALID_CONFIG', () => {
    expectConfigError({ ...valid(), storage: {} }, 'ERR_INVALID_CONFIG', /storage/)
  })

  it('docs/architecture.md "Configuration": a bad TTL is ERR_INVALID_CONFIG', () => {
    expectConfigError({ ...valid(), ttl: { code: 0 } }, 'ERR_INVALID_CONFIG', /ttl/)
  })
})
