import { request as httpRequest } from 'node:http'
import { expect } from 'vitest'
import type { RuntimeServer } from './harness.js'

/** The default `rateLimit.maxFailures`: failed client authentications per client_id and address. */
const MAX_FAILURES = 10

/**
 * A failed client authentication (client_secret_post, for a client_id nobody registered) on a
 * connection of its own from `localAddress`: a loopback address other than 127.0.0.1 is another
 * client address to the server (Linux routes all of 127/8 to lo).
 */
function failedAuth(server: RuntimeServer, localAddress: string): Promise<{ status: number; retryAfter?: string; body: string }> {
  const body = 'grant_type=client_credentials&client_id=matrix-guesser&client_secret=wrong'
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${server.issuer}/token/`,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, agent: false, localAddress },
      (incoming) => {
        let text = ''
        incoming.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk
        })
        incoming.on('end', () => {
          const retryAfter = incoming.headers['retry-after']
          resolve({ status: incoming.statusCode ?? 0, body: text, ...(retryAfter ? { retryAfter } : {}) })
        })
        incoming.on('error', reject)
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/**
 * RFC 6749 §10.10 / RFC 6585 §4 with the runtime's own wiring: the client address is what the
 * runtime hands `provider.handle` (nothing in the server entry configures one), so failures from
 * one address are limited and another address is not.
 */
export async function rateLimitFlow(server: RuntimeServer): Promise<void> {
  for (let i = 0; i < MAX_FAILURES; i++) expect((await failedAuth(server, '127.0.0.6')).status, `failure ${i}`).toBe(400)
  const limited = await failedAuth(server, '127.0.0.6')
  expect(limited.status, limited.body).toBe(429)
  expect(limited.retryAfter).toMatch(/^[1-9][0-9]*$/)
  expect(JSON.parse(limited.body)).toMatchObject({ error: 'temporarily_unavailable' })
  // Counted per address, not per client_id alone: another address is still checked.
  expect((await failedAuth(server, '127.0.0.7')).status).toBe(400)
  // Failures that arrive together wait their turn past the check (at most MAX_FAILURES at once):
  // a burst gets at most MAX_FAILURES - 1 checks past the limit, and none is left hanging (workerd
  // cancels a request that waits only on another request's promise).
  const burst = await Promise.all(Array.from({ length: 30 }, () => failedAuth(server, '127.0.0.8')))
  const statuses = burst.map((answer) => answer.status)
  expect(
    statuses.filter((status) => status !== 400 && status !== 429),
    JSON.stringify(burst.map((a) => a.body)),
  ).toEqual([])
  expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(2 * MAX_FAILURES - 1)
  expect(server.output()).not.toContain('without a client address')
}
