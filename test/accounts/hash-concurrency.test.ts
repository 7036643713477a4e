import { localAccounts, memoryAccountStore, OAuthError } from '@grantline/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createClient, expectJsonError } from '../security/support.js'
import { basic, form, ISSUER, setup } from '../support/provider.js'
import { field, SECRET, setupAccounts, TEST_ITERATIONS } from './support.js'

/**
 * A bound on PBKDF2 derivations in flight: past it a login or password grant is refused with
 * 429 and Retry-After (RFC 6585 §4) instead of queueing behind the others and stalling the server.
 */

/** Long enough that every concurrent request reaches the bound while the first derivations run. */
const SLOW_ITERATIONS = 100_000

afterEach(() => {
  vi.restoreAllMocks()
})

const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises)

describe('RFC 6585 §4: password derivations in flight are bounded (hashConcurrency)', () => {
  it('RFC 6585 §4: by default two derivations run at once; the other verifyPassword calls throw 429 temporarily_unavailable with Retry-After: 1', async () => {
    const s = await setupAccounts()
    const derive = vi.spyOn(crypto.subtle, 'deriveBits')
    const results = await settle(Array.from({ length: 5 }, () => s.accounts.verifyPassword('alice', 'correct horse')))
    expect(derive).toHaveBeenCalledTimes(2)
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([{ sub: s.alice.sub }, { sub: s.alice.sub }])
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
    expect(refused).toHaveLength(3)
    for (const error of refused) {
      expect(error).toBeInstanceOf(OAuthError)
      expect(error).toMatchObject({ error: 'temporarily_unavailable', status: 429, headers: { 'retry-after': '1' } })
    }
    // The slots are free again once the derivations finished.
    expect(await s.accounts.verifyPassword('alice', 'correct horse')).toEqual({ sub: s.alice.sub })
  })

  it('RFC 6585 §4: the login form answers 429 with Retry-After: 1 and says the server is busy; a refused attempt is not counted', async () => {
    const s = await setupAccounts({ iterations: SLOW_ITERATIONS, hashConcurrency: 2, maxFailures: 3 })
    const html = await (await s.browse('/accounts/login/')).text()
    const csrf = field(html, 'csrf') ?? ''
    const derive = vi.spyOn(crypto.subtle, 'deriveBits')
    const post = () => s.browse('/accounts/login/', { form: { csrf, username: 'alice', password: 'wrong' }, address: '203.0.113.5' })
    const responses = await Promise.all(Array.from({ length: 12 }, post))
    const busy = responses.filter((response) => response.status === 429)
    expect(busy.length).toBeGreaterThanOrEqual(1)
    expect(derive).toHaveBeenCalledTimes(responses.length - busy.length)
    for (const response of busy) {
      expect(response.headers.get('retry-after')).toBe('1')
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      const page = await response.text()
      expect(page).toContain('The server is busy checking other sign-ins')
      // The form stays filled in, ready to resubmit.
      expect(field(page, 'username')).toBe('alice')
    }
    // Only checked passwords counted towards alice's lockout (3): below it, she still signs in.
    expect(responses.length - busy.length).toBeLessThan(3)
    expect((await s.logIn('alice', 'correct horse')).status).toBe(303)
  })

  it('RFC 6585 §4: the password grant answers 429 temporarily_unavailable with Retry-After: 1 past the bound', async () => {
    const accounts = localAccounts(memoryAccountStore(), { secrets: [SECRET], iterations: SLOW_ITERATIONS, hashConcurrency: 1 })
    await accounts.users.create({ username: 'alice', password: 'correct horse' })
    const s = setup({ accounts, grantTypes: ['authorization_code', 'refresh_token', 'password'] })
    const c = await createClient(s, { grant_types: ['password'], redirect_uris: [] })
    const grant = () => {
      const init = form({ grant_type: 'password', username: 'alice', password: 'correct horse' })
      return s.provider.handle(
        new Request(`${ISSUER}/token/`, { ...init, headers: { ...init.headers, authorization: basic(c.client_id, c.client_secret) } }),
      )
    }
    const responses = await Promise.all(Array.from({ length: 6 }, grant))
    const statuses = responses.map((response) => response.status)
    expect(statuses).toContain(200)
    expect(statuses).toContain(429)
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true)
    const busy = responses.find((response) => response.status === 429) as Response
    expect(busy.headers.get('retry-after')).toBe('1')
    await expectJsonError(busy, 'temporarily_unavailable', 429)
  })

  it('refuses a hashConcurrency that is not a positive integer at start-up', () => {
    for (const hashConcurrency of [0, -1, 1.5]) {
      expect(() => localAccounts(memoryAccountStore(), { secrets: [SECRET], iterations: TEST_ITERATIONS, hashConcurrency })).toThrow(
        /hashConcurrency/,
      )
    }
  })
})
