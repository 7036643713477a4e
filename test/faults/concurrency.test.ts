import { memoryStorage, type Storage } from '@grantline/core'
import { nonAtomicStorage } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { authorizeUrl, createClient, introspect, obtainCode, post, redeem } from '../security/support.js'
import { consentFields, form, ISSUER, type Setup, setup } from '../support/provider.js'

/**
 * Issue 6, "Concurrency", through the provider: N requests that race for one single-use thing.
 * In-process on memoryStorage, which claims atomicity; the SQL storages are raced across processes
 * and pooled connections in test/sql/races.test.ts (not repeated here).
 *
 * An in-process race proves nothing unless the requests really overlap, so a barrier holds every
 * call of the raced Storage method until all N requests have reached it, then lets them all go.
 * Each test has a control: the same race on nonAtomicStorage (a read-modify-write with a round
 * trip in between) must let more than one request win, or the race could not have failed.
 */
const N = 20

function barrier(inner: Storage, method: 'consume' | 'rotateRefresh') {
  let armed = false
  let arrived = 0
  const waiting: (() => void)[] = []
  const release = () => {
    for (const go of waiting.splice(0)) go()
  }
  const storage = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => {
        if (armed && property === method) {
          arrived++
          await new Promise<void>((resolve) => {
            waiting.push(resolve)
            if (waiting.length === N) release()
          })
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return {
    storage,
    /** Starts holding calls; a race that never fills the barrier is let go after 2 s and fails on `arrived`. */
    arm() {
      armed = true
      setTimeout(release, 2000).unref()
    },
    get arrived() {
      return arrived
    },
  }
}

/** A storage that claims atomicity it does not have: only for the controls. */
function lyingNonAtomic(): Storage {
  return { ...nonAtomicStorage(), capabilities: { atomicConsume: true } }
}

const statuses = (responses: Response[]) => responses.map((r) => r.status)
const count = (responses: Response[], status: number) => responses.filter((r) => r.status === status).length

async function raceCodeRedemption(inner: Storage) {
  const held = barrier(inner, 'consume')
  const s = setup({}, held.storage)
  const c = await createClient(s)
  const { code, verifier } = await obtainCode(s, c)
  held.arm()
  const responses = await Promise.all(Array.from({ length: N }, () => redeem(s, c, code, { code_verifier: verifier as string })))
  return { s, c, responses, arrived: held.arrived }
}

async function raceRefresh(inner: Storage, refreshGraceSeconds = 0) {
  const held = barrier(inner, 'rotateRefresh')
  const s = setup({ refreshGraceSeconds }, held.storage)
  const c = await createClient(s)
  const { code, verifier } = await obtainCode(s, c)
  const { refresh_token } = (await (await redeem(s, c, code, { code_verifier: verifier as string })).json()) as { refresh_token: string }
  held.arm()
  const auth = { id: c.client_id, secret: c.client_secret }
  const responses = await Promise.all(
    Array.from({ length: N }, () => post(s, 'token', { grant_type: 'refresh_token', refresh_token }, auth)),
  )
  return { s, c, responses, arrived: held.arrived }
}

async function raceConsent(inner: Storage) {
  const held = barrier(inner, 'consume')
  const s: Setup = setup({}, held.storage)
  const c = await createClient(s)
  const cookie = s.users.signIn('user-1')
  const url = authorizeUrl({
    client_id: c.client_id,
    response_type: 'code',
    redirect_uri: 'https://app.example/cb',
    state: 'st',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  })
  const page = await s.provider.handle(new Request(url, { headers: { cookie } }))
  const fields = consentFields(await page.text())
  held.arm()
  const { headers, ...init } = form({ ...fields, allow: 'Authorize' })
  const responses = await Promise.all(
    Array.from({ length: N }, () => s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie } }))),
  )
  return { s, c, responses, arrived: held.arrived }
}

describe(`${N} concurrent requests racing for one single-use grant, through the provider`, () => {
  it('RFC 6749 §4.1.2: one code redeemed by 20 requests at once gives exactly one token response; the replays get invalid_grant and revoke what it issued', async () => {
    const { s, c, responses, arrived } = await raceCodeRedemption(memoryStorage())
    expect(arrived).toBe(N)
    expect(count(responses, 200), statuses(responses).join()).toBe(1)
    expect(count(responses, 400)).toBe(N - 1)
    for (const response of responses.filter((r) => r.status === 400))
      expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
    // RFC 9700 §4.5: a replayed code revokes the grant, even when the replay raced the redemption.
    const winner = (await (responses.find((r) => r.status === 200) as Response).json()) as { access_token: string; refresh_token: string }
    expect(await introspect(s, c, winner.access_token)).toStrictEqual({ active: false })
    expect(await introspect(s, c, winner.refresh_token)).toStrictEqual({ active: false })
  })

  it('control: on a non-atomic storage the same code race lets more than one request win (the race can fail)', async () => {
    const { responses, arrived } = await raceCodeRedemption(lyingNonAtomic())
    expect(arrived).toBe(N)
    expect(count(responses, 200), statuses(responses).join()).toBeGreaterThan(1)
  })

  it('RFC 9700 §4.14.2: one refresh token presented by 20 requests at once is exchanged exactly once; the reuse revokes the grant', async () => {
    const { s, c, responses, arrived } = await raceRefresh(memoryStorage())
    expect(arrived).toBe(N)
    expect(count(responses, 200), statuses(responses).join()).toBe(1)
    expect(count(responses, 400)).toBe(N - 1)
    for (const response of responses.filter((r) => r.status === 400))
      expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
    const winner = (await (responses.find((r) => r.status === 200) as Response).json()) as { refresh_token: string }
    expect(await introspect(s, c, winner.refresh_token)).toStrictEqual({ active: false })
  })

  it('docs/architecture.md "Storage": within the refresh grace window 20 concurrent presentations move the chain and never fork it: one refresh token is left valid', async () => {
    const { s, c, responses, arrived } = await raceRefresh(memoryStorage(), 30)
    expect(arrived).toBe(N)
    expect(count(responses, 500)).toBe(0)
    const issued = await Promise.all(
      responses.filter((r) => r.status === 200).map(async (r) => ((await r.json()) as { refresh_token: string }).refresh_token),
    )
    expect(issued.length).toBeGreaterThanOrEqual(1)
    const live = []
    for (const token of issued) if ((await introspect(s, c, token)).active === true) live.push(token)
    expect(live).toHaveLength(1)
  })

  it('control: on a non-atomic storage the same refresh race lets more than one request win', async () => {
    const { responses, arrived } = await raceRefresh(lyingNonAtomic())
    expect(arrived).toBe(N)
    expect(count(responses, 200), statuses(responses).join()).toBeGreaterThan(1)
  })

  it('docs/architecture.md "Consent and interactions": one consent form posted 20 times at once is decided exactly once: one 303 with a code, 19 refusals on a local page', async () => {
    const { responses, arrived } = await raceConsent(memoryStorage())
    expect(arrived).toBe(N)
    const granted = responses.filter((r) => r.status === 303 && new URL(r.headers.get('location') ?? 'x:').searchParams.has('code'))
    expect(granted, statuses(responses).join()).toHaveLength(1)
    for (const response of responses.filter((r) => !granted.includes(r))) {
      expect(response.status).toBe(400)
      expect(response.headers.get('location')).toBeNull()
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    }
  })

  it('control: on a non-atomic storage the same consent race lets more than one POST win', async () => {
    const { responses, arrived } = await raceConsent(lyingNonAtomic())
    expect(arrived).toBe(N)
    expect(count(responses, 303), statuses(responses).join()).toBeGreaterThan(1)
  })
})
