import { memoryStorage, type ProviderConfig, type RateLimiter, type Storage } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { createClient, expectJsonError } from '../security/support.js'
import { basic, ISSUER, type Setup, setup } from '../support/provider.js'
import { recorder } from './support.js'

const W = 60
const POLICY = { maxFailures: 3, windowSeconds: W }
const byHeader = (request: Request) => request.headers.get('x-test-address') ?? undefined

function setupLimited(overrides: Partial<ProviderConfig> = {}, storage?: Storage) {
  const rec = recorder()
  const s = setup({ clientAddress: byHeader, rateLimit: POLICY, onEvent: rec.onEvent, ...overrides }, storage)
  return { ...s, rec }
}

type Machine = Awaited<ReturnType<typeof createClient>>

/** A client_credentials request at an endpoint, from `address`, with `secret` over Basic. */
function attempt(
  s: Setup,
  c: Machine,
  secret: string,
  address = '203.0.113.1',
  endpoint = 'token',
  body = 'grant_type=client_credentials',
) {
  return s.provider.handle(
    new Request(`${ISSUER}/${endpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(c.client_id, secret),
        'x-test-address': address,
      },
      body,
    }),
  )
}

const machine = (s: Setup) => createClient(s, { grant_types: ['client_credentials'] })

/** Moves the fake clock to `offset` seconds into a rate-limit window. */
function intoWindow(s: Setup, offset: number): void {
  const now = Math.floor(s.clock.now() / 1000)
  s.clock.set((now - (now % W) + W + offset) * 1000)
}

describe('RFC 6585 §4 / RFC 6749 §2.3: failed client authentications are rate limited', () => {
  it('RFC 6585 §4: past maxFailures the endpoint answers 429 with Retry-After and an OAuth JSON error, even for the right secret', async () => {
    const s = setupLimited()
    const c = await machine(s)
    for (let i = 0; i < 3; i++) expect((await attempt(s, c, 'gl_cs_wrong')).status).toBe(401)
    const limited = await attempt(s, c, c.client_secret)
    const body = await expectJsonError(limited, 'temporarily_unavailable', 429)
    expect(body.error_description).toMatch(/too many failed client authentications/)
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
    expect(limited.headers.get('www-authenticate')).toBeNull()
    expect(s.rec.of('client_authentication.failed').map((e) => e.reason)).toEqual([
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'rate_limited',
    ])
  })

  it('RFC 6749 §10.10: failures that arrive together get at most maxFailures - 1 guesses past the limit, on memory and SQL-style slow storage', async () => {
    for (const slow of [false, true]) {
      const storage = memoryStorage()
      if (slow) {
        // Counters that answer after a real timer, as a database does.
        const { countHits, hit } = storage as Required<Storage>
        const later = <T>(value: Promise<T>) => value.then((v) => new Promise<T>((resolve) => setTimeout(() => resolve(v), 2)))
        storage.countHits = (...args) => later(countHits.apply(storage, args))
        storage.hit = (...args) => later(hit.apply(storage, args))
      }
      const s = setupLimited({}, storage)
      const c = await machine(s)
      const burst = await Promise.all(Array.from({ length: 40 }, () => attempt(s, c, 'gl_cs_wrong')))
      const statuses = burst.map((response) => response.status)
      // Before the gate every one of them was checked (40 x 401).
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(2 * POLICY.maxFailures - 1)
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(40 - (2 * POLICY.maxFailures - 1))
      // The right secret waits for the window like any other attempt.
      expect((await attempt(s, c, c.client_secret)).status).toBe(429)
    }
  })

  it('RFC 6749 §10.10: honest requests that arrive together are all answered, the gate only orders them', async () => {
    const s = setupLimited()
    const c = await machine(s)
    const burst = await Promise.all(Array.from({ length: 40 }, () => attempt(s, c, c.client_secret)))
    expect(burst.map((response) => response.status)).toEqual(Array(40).fill(200))
  })

  it('RFC 6585 §4: Retry-After is exact: one second earlier is still 429, then the right secret works', async () => {
    const s = setupLimited()
    const c = await machine(s)
    intoWindow(s, 20)
    for (let i = 0; i < 3; i++) await attempt(s, c, 'gl_cs_wrong')
    const wait = Number((await attempt(s, c, c.client_secret)).headers.get('retry-after'))
    // Three failures 20 s into a window weigh 3 until the next window starts, then shrink: 41 s.
    expect(wait).toBe(41)
    s.clock.advance(wait - 1)
    expect((await attempt(s, c, c.client_secret)).status).toBe(429)
    s.clock.advance(1)
    expect((await attempt(s, c, c.client_secret)).status).toBe(200)
  })

  it('the window slides: failures just before a window boundary still weigh after it (a fixed window would forget them)', async () => {
    const s = setupLimited()
    const c = await machine(s)
    intoWindow(s, 50)
    for (let i = 0; i < 3; i++) await attempt(s, c, 'gl_cs_wrong')
    expect((await attempt(s, c, c.client_secret)).status).toBe(429)
    s.clock.advance(15)
    // 5 s into the next window the three weigh 3 * 55/60: below the limit, but one more failure is over it.
    expect((await attempt(s, c, c.client_secret)).status).toBe(200)
    expect((await attempt(s, c, 'gl_cs_wrong')).status).toBe(401)
    expect((await attempt(s, c, c.client_secret)).status).toBe(429)
    // Two quiet windows later nothing weighs any more.
    s.clock.advance(2 * W)
    expect((await attempt(s, c, c.client_secret)).status).toBe(200)
  })

  it('a successful authentication neither counts nor resets the count', async () => {
    const s = setupLimited()
    const c = await machine(s)
    intoWindow(s, 1)
    await attempt(s, c, 'gl_cs_wrong')
    await attempt(s, c, 'gl_cs_wrong')
    for (let i = 0; i < 5; i++) expect((await attempt(s, c, c.client_secret)).status).toBe(200)
    expect((await attempt(s, c, 'gl_cs_wrong')).status).toBe(401)
    expect((await attempt(s, c, c.client_secret)).status).toBe(429)
  })

  it('separate clients and separate addresses are counted apart: an attacker locks out only itself', async () => {
    const s = setupLimited()
    const victim = await machine(s)
    const other = await machine(s)
    for (let i = 0; i < 3; i++) await attempt(s, victim, 'gl_cs_wrong', '198.51.100.66')
    expect((await attempt(s, victim, victim.client_secret, '198.51.100.66')).status).toBe(429)
    expect((await attempt(s, victim, victim.client_secret, '192.0.2.10')).status).toBe(200)
    expect((await attempt(s, other, other.client_secret, '198.51.100.66')).status).toBe(200)
  })

  it('the revocation and introspection endpoints share the count: they authenticate clients the same way', async () => {
    const s = setupLimited()
    const c = await machine(s)
    await attempt(s, c, 'gl_cs_wrong', undefined, 'revoke_token', 'token=x')
    await attempt(s, c, 'gl_cs_wrong', undefined, 'introspect', 'token=x')
    await attempt(s, c, 'gl_cs_wrong')
    expect((await attempt(s, c, c.client_secret, undefined, 'introspect', 'token=x')).status).toBe(429)
  })

  it('RFC 6749 §10.10: without a client address failures are counted per client_id alone, so guessing is still limited', async () => {
    const s = setupLimited({ clientAddress: () => undefined })
    const c = await machine(s)
    const other = await machine(s)
    for (let i = 0; i < 3; i++) expect((await attempt(s, c, 'gl_cs_wrong')).status).toBe(401)
    // The trade-off: whoever knows the client_id can lock it out, which is why the address is preferred.
    expect((await attempt(s, c, c.client_secret)).status).toBe(429)
    expect((await attempt(s, other, other.client_secret)).status).toBe(200)
  })

  it('rateLimit: false, or a Storage without hit/countHits, turns it off', async () => {
    const off = setupLimited({ rateLimit: false })
    const { hit: _hit, countHits: _countHits, ...withoutCounters } = memoryStorage()
    const bare = setupLimited({}, withoutCounters as Storage)
    for (const s of [off, bare]) {
      const c = await machine(s)
      for (let i = 0; i < 5; i++) expect((await attempt(s, c, 'gl_cs_wrong')).status).toBe(401)
      expect((await attempt(s, c, c.client_secret)).status).toBe(200)
    }
  })

  it('rateLimit.limiter replaces the in-storage window: it is asked before and told after each failure, with an opaque key', async () => {
    const calls: string[] = []
    const limiter: RateLimiter = {
      async check(key) {
        calls.push(`check ${key}`)
        return calls.filter((call) => call.startsWith('fail')).length >= 1
          ? { allowed: false, retryAfter: 7.2 }
          : { allowed: true, retryAfter: 0 }
      },
      async fail(key) {
        calls.push(`fail ${key}`)
      },
    }
    const s = setupLimited({ rateLimit: { limiter } })
    const c = await machine(s)
    expect((await attempt(s, c, 'gl_cs_wrong')).status).toBe(401)
    const limited = await attempt(s, c, c.client_secret)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('8')
    expect(calls).toHaveLength(3)
    const keys = new Set(calls.map((call) => call.split(' ')[1]))
    expect(keys.size).toBe(1)
    const [key] = keys
    expect(key).toMatch(/^client_auth:[0-9a-f]{64}$/)
    expect(key).not.toContain(c.client_id)
  })

  it('rateLimit.limiter: without an address the key names the client_id alone, in another shape than any address key', async () => {
    const keys: string[] = []
    const limiter: RateLimiter = {
      check: async (key) => {
        keys.push(key)
        return { allowed: true, retryAfter: 0 }
      },
      fail: async () => {},
    }
    const s = setupLimited({ rateLimit: { limiter }, clientAddress: () => undefined })
    const c = await machine(s)
    await attempt(s, c, 'gl_cs_wrong')
    expect(keys).toEqual([expect.stringMatching(/^client_auth:id:[0-9a-f]{64}$/)])
  })
})
