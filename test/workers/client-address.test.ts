import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { d1Driver } from '@grantline/cloudflare'
import { createProvider } from '@grantline/core'
import { sqlStorage } from '@grantline/sql'
import { testAccounts } from '@grantline/testing'
import { describe, expect, it } from 'vitest'
import { clearDatabase } from './support.js'
import { form, ISSUER, SECRET, setupWorker } from './worker-support.js'

/** A failed client authentication for a client_id nobody registered, from `address` as Cloudflare's edge reports it. */
const failed = (address: string) =>
  new Request(
    `${ISSUER}/token/`,
    form({ grant_type: 'client_credentials', client_id: 'guesser', client_secret: 'wrong' }, { 'cf-connecting-ip': address }),
  )

describe("RFC 6749 §10.10 / RFC 6585 §4 inside workerd: the client address is Cloudflare's CF-Connecting-IP", () => {
  it('RFC 6585 §4: through createWorker (the Worker ctx), failures are counted per CF-Connecting-IP: one address is limited, another is not', async () => {
    const s = await setupWorker({ rateLimit: { maxFailures: 2 } })
    expect((await s.call(failed('203.0.113.5'))).status).toBe(400)
    expect((await s.call(failed('203.0.113.5'))).status).toBe(400)
    const limited = await s.call(failed('203.0.113.5'))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/)
    expect((await s.call(failed('198.51.100.7'))).status).toBe(400)
  })

  it('RFC 6749 §10.10: the header is read only beside the Worker ctx: without it failures count per client_id, with it (the plain quick start) per address', async () => {
    await clearDatabase()
    const warnings: string[] = []
    const provider = createProvider({
      issuer: ISSUER,
      storage: sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' }),
      accounts: testAccounts([]).accounts,
      secrets: [SECRET],
      rateLimit: { maxFailures: 2 },
      onWarning: (message) => warnings.push(message),
    })
    expect((await provider.handle(failed('203.0.113.5'))).status).toBe(400)
    expect((await provider.handle(failed('203.0.113.6'))).status).toBe(400)
    expect((await provider.handle(failed('198.51.100.7'))).status).toBe(429)
    expect(warnings).toHaveLength(1)
    // The plain quick start, `export default { fetch: provider.handle }`, gets (request, env, ctx): the header is read.
    const viaWorker = async (address: string) => {
      const ctx = createExecutionContext()
      const response = await provider.handle(failed(address), env, ctx)
      await waitOnExecutionContext(ctx)
      return response.status
    }
    expect([await viaWorker('192.0.2.1'), await viaWorker('192.0.2.1'), await viaWorker('192.0.2.1')]).toEqual([400, 400, 429])
    expect(await viaWorker('192.0.2.2')).toBe(400)
  })
})
