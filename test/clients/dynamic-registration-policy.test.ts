import { OAuthError, type Storage, sha256Hex } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { REDIRECT_URI } from '../support/provider.js'
import { expectError, NATIVE, postRegistration, registered, registrationSetup, server } from './dynamic-registration-support.js'

/** Stores an initial access token as the CLI does (RFC 7591 §3), valid for `ttl` seconds. */
async function initialToken(storage: Storage, now: number, ttl = 86_400): Promise<string> {
  const token = `gl_ia_${crypto.randomUUID()}`
  await storage.createInitialAccessToken({ hash: sha256Hex(token), created_at: now, expires_at: now + ttl, consumed_at: null })
  return token
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('RFC 7591 §3: the token policy', () => {
  it('RFC 7591 §3, RFC 6750 §3.1: without an initial access token the answer is 401 invalid_token with a Bearer challenge', async () => {
    const s = registrationSetup({ policy: 'token' })
    const response = await postRegistration(s, NATIVE)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="https://as.example/o"')
    await expectError(response, 'invalid_token', 401)
    expect(await s.storage.listClients()).toEqual([])
  })

  it('RFC 7591 §3: a wrong or expired initial access token is 401 invalid_token', async () => {
    const s = registrationSetup({ policy: 'token' })
    const now = s.clock.now() / 1000
    const expired = await initialToken(s.storage, now, 60)
    const wrong = await postRegistration(s, NATIVE, bearer('gl_ia_not-a-token'))
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"')
    await expectError(wrong, 'invalid_token', 401)
    s.clock.advance(60)
    await expectError(postRegistration(s, NATIVE, bearer(expired)), 'invalid_token', 401)
    expect(await s.storage.listClients()).toEqual([])
  })

  it('RFC 7591 §3: oauth4webapi registers with an initial access token, which is single-use', async () => {
    const s = registrationSetup({ policy: 'token' })
    const token = await initialToken(s.storage, s.clock.now() / 1000)
    const response = await oauth.dynamicClientRegistrationRequest(server, NATIVE, {
      [oauth.customFetch]: s.fetch,
      initialAccessToken: token,
    })
    expect((await oauth.processDynamicClientRegistrationResponse(response)).client_id).toMatch(/^[A-Za-z0-9]{24}$/)
    await expectError(postRegistration(s, NATIVE, bearer(token)), 'invalid_token', 401)
    expect(await s.storage.listClients()).toHaveLength(1)
  })

  it('RFC 7591 §3.2.2: a refused registration does not spend the initial access token', async () => {
    const s = registrationSetup({ policy: 'token' })
    const token = await initialToken(s.storage, s.clock.now() / 1000)
    await expectError(postRegistration(s, { ...NATIVE, redirect_uris: ['javascript:alert(1)'] }, bearer(token)), 'invalid_redirect_uri')
    await registered(s, NATIVE, bearer(token))
  })

  it('RFC 7591 §3: the holder of an initial access token may register a confidential client for client_credentials, not for password', async () => {
    const s = registrationSetup(
      { policy: 'token' },
      { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'password'] },
    )
    const info = await registered(
      s,
      { grant_types: ['client_credentials'], client_name: 'Service' },
      bearer(await initialToken(s.storage, s.clock.now() / 1000)),
    )
    expect(info).toMatchObject({
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })
    const token = await initialToken(s.storage, s.clock.now() / 1000)
    await expectError(postRegistration(s, { ...NATIVE, grant_types: ['password'] }, bearer(token)), 'invalid_client_metadata')
  })
})

describe('RFC 7591 §5: registrations are rate-limited per client address', () => {
  it('RFC 6585 §4: past rateLimit.max registrations from one address the answer is 429 with Retry-After; another address goes on', async () => {
    const s = registrationSetup({ policy: 'open', rateLimit: { max: 3, windowSeconds: 3600 } })
    const from = (address: string) => postRegistration(s, NATIVE, {}, { clientAddress: address })
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(201)
    const limited = await from('203.0.113.7')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    await expectError(limited, 'temporarily_unavailable', 429)
    expect((await from('198.51.100.2')).status).toBe(201)
    expect(await s.storage.listClients()).toHaveLength(4)
    // Once the window has slid past, the address may register again.
    s.clock.advance(2 * 3600)
    expect((await from('203.0.113.7')).status).toBe(201)
  })

  it('RFC 7591 §5: a refused request counts too, so a burst of bad requests cannot probe without limit', async () => {
    const s = registrationSetup({ policy: 'open', rateLimit: { max: 2, windowSeconds: 3600 } })
    const from = (body: unknown) => postRegistration(s, body, {}, { clientAddress: '203.0.113.9' })
    await expectError(from('{'), 'invalid_client_metadata')
    await expectError(from('{'), 'invalid_client_metadata')
    await expectError(from(NATIVE), 'temporarily_unavailable', 429)
  })

  it('createProvider refuses open registration on a Storage without hit counters unless rateLimit is false', async () => {
    const storage = registrationSetup().storage
    const { hit, ...withoutCounters } = storage
    expect(hit).toBeTypeOf('function')
    expect(() => registrationSetup({ policy: 'open' }, { storage: withoutCounters as Storage })).toThrow(/rateLimit: false/)
    expect(() => registrationSetup({ policy: 'open', rateLimit: false }, { storage: withoutCounters as Storage })).not.toThrow()
  })
})

describe('registration.onRegister', () => {
  it('onRegister sees the metadata and what it asks beyond the policy, and may allow it by returning it', async () => {
    const seen: { beyond: string[]; address?: string | undefined }[] = []
    const s = registrationSetup(
      {
        policy: 'open',
        onRegister: (metadata, context) => {
          seen.push({ beyond: context.beyondPolicy, address: context.clientAddress })
          return metadata.software_id === 'trusted-service' ? metadata : undefined
        },
      },
      { grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] },
    )
    const service = { grant_types: ['client_credentials'], software_id: 'trusted-service' }
    expect((await postRegistration(s, service, {}, { clientAddress: '192.0.2.1' })).status).toBe(201)
    await expectError(postRegistration(s, { ...service, software_id: 'other' }), 'invalid_client_metadata')
    expect(seen[0]).toEqual({ beyond: ['grant type "client_credentials"'], address: '192.0.2.1' })
  })

  it('onRegister may adjust (narrow the scope), refuse with an OAuthError, and never grant what the server lacks', async () => {
    const s = registrationSetup({
      policy: 'open',
      onRegister: (metadata) => {
        if (metadata.client_name === 'Blocked') throw new OAuthError('access_denied', 'not here', { status: 403 })
        if (metadata.client_name === 'Greedy') return { ...metadata, grant_types: ['password'] }
        return { ...metadata, scope: 'read' }
      },
    })
    expect(await registered(s, { ...NATIVE, scope: 'read write' })).toMatchObject({ scope: 'read' })
    await expectError(postRegistration(s, { ...NATIVE, client_name: 'Blocked' }), 'access_denied', 403)
    // password is off on this server: the hook cannot turn it on for one client.
    await expectError(postRegistration(s, { ...NATIVE, client_name: 'Greedy' }), 'invalid_client_metadata')
  })

  it('RFC 7591 §5: a hook returning skip_authorization cannot set it', async () => {
    const s = registrationSetup({
      policy: 'open',
      onRegister: (metadata) => ({ ...metadata, skip_authorization: true }) as typeof metadata,
    })
    const info = await registered(s, { redirect_uris: [REDIRECT_URI] })
    expect((await s.storage.getClient(String(info.client_id)))?.skip_authorization).toBe(false)
  })
})
