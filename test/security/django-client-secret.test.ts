import { createHash } from 'node:crypto'
import { hashDjangoPassword, localAccounts, memoryAccountStore, type TokenEndpointAuthMethod } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SECRET, type Setup, setup } from '../support/provider.js'
import { createClient } from './support.js'

/**
 * Client secrets imported from Django OAuth Toolkit 2+ keep DOT's `pbkdf2_sha256$...` hash: the
 * client authenticates with the secret it always had (RFC 6749 §2.3.1), checked once by PBKDF2
 * under the bound on derivations in flight, then stored as SHA-256 like every other secret.
 */

const DOT_SECRET = 'dOt2SecretOnlyLettersAndDigits0123456789abcdEFGH'
/** Cheap for the tests; DOT stores whatever its Django used (260,000 for Django 3.2, 720,000 for 5.0). */
const ITERATIONS = 1_000

afterEach(() => {
  vi.restoreAllMocks()
})

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/** A client_credentials client whose stored secret is the Django hash `encoded`, as `grantline import-dot` keeps it. */
async function importedClient(s: Setup, method: TokenEndpointAuthMethod, encoded: string) {
  const created = await createClient(s, { grant_types: ['client_credentials'], redirect_uris: [], token_endpoint_auth_method: method })
  const client = await s.storage.getClient(created.client_id)
  if (!client) throw new Error('the client was not stored')
  await s.storage.putClient({ ...client, secret_hash: encoded })
  return created.client_id
}

async function grant(s: Setup, clientId: string, auth: oauth.ClientAuth): Promise<Response> {
  const as: oauth.AuthorizationServer = { issuer: 'https://as.example/o', token_endpoint: 'https://as.example/o/token/' }
  return oauth.clientCredentialsGrantRequest(as, { client_id: clientId }, auth, new URLSearchParams(), { [oauth.customFetch]: s.fetch })
}

async function storedSecret(s: Setup, clientId: string): Promise<string | null | undefined> {
  return (await s.storage.getClient(clientId))?.secret_hash
}

describe("RFC 6749 §2.3.1: a client secret kept in Django's PBKDF2 hash", () => {
  it('RFC 6749 §2.3.1: authenticates by HTTP Basic once by PBKDF2, then is stored as its SHA-256 and checked without a derivation', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] })
    const clientId = await importedClient(s, 'client_secret_basic', await hashDjangoPassword(DOT_SECRET, ITERATIONS))
    const derive = vi.spyOn(crypto.subtle, 'deriveBits')
    const as = { issuer: 'https://as.example/o', token_endpoint: 'https://as.example/o/token/' }
    const first = await oauth.processClientCredentialsResponse(
      as,
      { client_id: clientId },
      await grant(s, clientId, oauth.ClientSecretBasic(DOT_SECRET)),
    )
    expect(first.token_type).toBe('bearer')
    expect(derive).toHaveBeenCalledTimes(1)
    expect(await storedSecret(s, clientId)).toBe(sha256(DOT_SECRET))
    const second = await oauth.processClientCredentialsResponse(
      as,
      { client_id: clientId },
      await grant(s, clientId, oauth.ClientSecretBasic(DOT_SECRET)),
    )
    expect(second.access_token).not.toBe(first.access_token)
    expect(derive).toHaveBeenCalledTimes(1)
  })

  it('RFC 6749 §2.3.1: authenticates in the body (client_secret_post), then is stored as its SHA-256', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] })
    const clientId = await importedClient(s, 'client_secret_post', await hashDjangoPassword(DOT_SECRET, ITERATIONS))
    const as = { issuer: 'https://as.example/o', token_endpoint: 'https://as.example/o/token/' }
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      { client_id: clientId },
      await grant(s, clientId, oauth.ClientSecretPost(DOT_SECRET)),
    )
    expect(tokens.access_token).toMatch(/^gl_at_/)
    expect(await storedSecret(s, clientId)).toBe(sha256(DOT_SECRET))
  })

  it('RFC 6749 §5.2: a wrong secret is invalid_client (401 with a Basic challenge) and the Django hash stays as it was', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] })
    const encoded = await hashDjangoPassword(DOT_SECRET, ITERATIONS)
    const clientId = await importedClient(s, 'client_secret_basic', encoded)
    const response = await grant(s, clientId, oauth.ClientSecretBasic(`${DOT_SECRET}x`))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
    expect(await storedSecret(s, clientId)).toBe(encoded)
    // The stored hash itself is no secret: sent as the secret, it fails too.
    expect((await grant(s, clientId, oauth.ClientSecretBasic(encoded))).status).toBe(401)
  })

  it('RFC 6749 §5.2: a stored iteration count above 2,000,000 is refused without a derivation', async () => {
    const s = setup({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] })
    const encoded = `pbkdf2_sha256$2000000000$${'a'.repeat(22)}$${'A'.repeat(43)}=`
    const clientId = await importedClient(s, 'client_secret_basic', encoded)
    const derive = vi.spyOn(crypto.subtle, 'deriveBits')
    const response = await grant(s, clientId, oauth.ClientSecretBasic(DOT_SECRET))
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
    expect(derive).not.toHaveBeenCalled()
    expect(await storedSecret(s, clientId)).toBe(encoded)
  })

  it("RFC 6585 §4: the check takes the accounts' derivation slots; past them 429 temporarily_unavailable with Retry-After: 1, not a failure", async () => {
    const accounts = localAccounts(memoryAccountStore(), { secrets: [SECRET], hashConcurrency: 1 })
    const s = setup({ accounts, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] })
    const clientId = await importedClient(s, 'client_secret_basic', await hashDjangoPassword(DOT_SECRET, 100_000))
    const derive = vi.spyOn(crypto.subtle, 'deriveBits')
    const responses = await Promise.all(Array.from({ length: 4 }, () => grant(s, clientId, oauth.ClientSecretBasic(DOT_SECRET))))
    const statuses = responses.map((response) => response.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(1)
    expect(statuses.filter((status) => status === 429)).toHaveLength(3)
    expect(derive).toHaveBeenCalledTimes(1)
    const busy = responses.find((response) => response.status === 429) as Response
    expect(busy.headers.get('retry-after')).toBe('1')
    expect(await busy.json()).toMatchObject({ error: 'temporarily_unavailable' })
    // Retried, the secret is now the SHA-256 one: no derivation, no slot needed.
    expect((await grant(s, clientId, oauth.ClientSecretBasic(DOT_SECRET))).status).toBe(200)
    expect(derive).toHaveBeenCalledTimes(1)
  })
})
