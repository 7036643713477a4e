import { createProvider, memoryStorage } from '@grantline/core'
import { clientAddress, serve } from '@grantline/node'
import { testAccounts } from '@grantline/testing'
import { afterAll, describe, expect, it } from 'vitest'

const seen: (string | undefined)[] = []
const trusted: (string | undefined)[] = []
const provider = createProvider({
  issuer: 'http://127.0.0.1/o',
  storage: memoryStorage(),
  accounts: testAccounts([]).accounts,
  secrets: ['test-secret-0123456789-abcdefghijklmnop'],
  clientAddress: (request) => {
    seen.push(clientAddress(request))
    trusted.push(clientAddress(request, { trustProxy: true }))
    return clientAddress(request)
  },
  rateLimit: { maxFailures: 2, windowSeconds: 60 },
})
const running = await serve(provider, { port: 0, log: false, handleSignals: false })
afterAll(() => running.close())

const failedAuth = () =>
  fetch(`http://127.0.0.1:${running.address.port}/o/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9, 198.51.100.7' },
    body: 'grant_type=client_credentials&client_id=nobody&client_secret=wrong',
  })

describe('@grantline/node clientAddress', () => {
  it('RFC 6585 §4: failed client authentications from one peer are limited, with the TCP peer as the address', async () => {
    const statuses = [(await failedAuth()).status, (await failedAuth()).status, (await failedAuth()).status]
    // invalid_client without Basic is a 400 (RFC 6749 §5.2); the third failure is refused unchecked.
    expect(statuses).toEqual([400, 400, 429])
    expect(seen[0]).toMatch(/^(::ffff:)?127\.0\.0\.1$/)
  })

  it('with trustProxy the right-most X-Forwarded-For entry is the address', () => {
    expect(trusted[0]).toBe('198.51.100.7')
  })
})
