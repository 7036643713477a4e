import { afterAll, describe, expect, it, vi } from 'vitest'
import { smokeFlow } from './flow.js'
import { RUNTIMES, type Runtime, type RuntimeServer, startRuntime } from './harness.js'
import { rateLimitFlow } from './rate-limit-flow.js'

vi.setConfig({ testTimeout: 90_000, hookTimeout: 30_000 })

// Every server starts at once; each test waits for its own. No runtime is optional: one whose
// binary is missing, or that fails to start, fails its test.
const starting = new Map<Runtime, Promise<RuntimeServer>>(RUNTIMES.map((runtime) => [runtime, startRuntime(runtime)]))
for (const started of starting.values()) started.catch(() => {})

afterAll(async () => {
  const servers = await Promise.allSettled(starting.values())
  await Promise.all(servers.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)))
})

describe('the runtime matrix: one smoke flow, a server in each runtime, oauth4webapi in Node over loopback HTTP', () => {
  it('covers node, deno, bun and workerd', () => {
    expect([...RUNTIMES].sort()).toEqual(['bun', 'deno', 'node', 'workerd'])
  })

  // Before the smoke flow, which ends with a graceful stop.
  it.each(RUNTIMES)(
    '%s: RFC 6585 §4: after 10 failed client authentications from one address the next is 429 with Retry-After; another address is not limited',
    async (runtime) => {
      const server = await (starting.get(runtime) as Promise<RuntimeServer>)
      await rateLimitFlow(server)
    },
  )

  it.each(RUNTIMES)(
    '%s: code + S256 PKCE through consent, refresh, revoke, introspect, client_credentials; then a graceful stop',
    async (runtime) => {
      const server = await (starting.get(runtime) as Promise<RuntimeServer>)
      expect(server.runtime).toBe(runtime)
      await smokeFlow(server)
      const status = await server.stop()
      // SIGTERM: the adapter's graceful shutdown exits 0. A Worker has no process of its own: there
      // the process is miniflare's, which exits 128 + SIGTERM after disposing of workerd.
      if (runtime !== 'workerd') expect(status, server.output()).toBe(0)
    },
  )
})
