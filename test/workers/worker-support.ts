import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test'
import { createWorker, d1Driver, type WorkerConfig } from '@grantline/cloudflare'
import { createProvider } from '@grantline/core'
import { sqlStorage } from '@grantline/sql'
import { createFakeClock, randomId, testAccounts } from '@grantline/testing'
import * as oauth from 'oauth4webapi'
import { clearDatabase } from './support.js'

export const ISSUER = 'https://auth.example.com/o'
export const REDIRECT_URI = 'https://app.example/cb'
export const SECRET = 'workers-test-secret-0123456789abcdefghij'
/** base64url of 32 bytes, as oidc.keyEncryptionKey wants it. */
export const KEY_ENCRYPTION_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'

/**
 * A Worker from createWorker on the test bindings (D1 `DB`, KV `CACHE`), a fake clock starting
 * now, a test Accounts fixture, and a second provider on the same D1 for administration (what
 * the CLI or wrangler would do). Every call goes through the Worker's own fetch and scheduled.
 */
export async function setupWorker(overrides: Partial<WorkerConfig> = {}) {
  await clearDatabase()
  const clock = createFakeClock(Date.now())
  const users = testAccounts([{ sub: 'user-1', username: 'alice', password: 'correct horse', claims: { name: 'Alice' } }], clock.now)
  const logs: string[] = []
  const cachePrefix = `${randomId('worker')}:`
  const worker = createWorker<Cloudflare.Env>(() => ({
    issuer: ISSUER,
    secrets: [SECRET],
    accounts: users.accounts,
    now: clock.now,
    oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, signingAlg: 'ES256' },
    cache: { prefix: cachePrefix, accessTokens: { maxStaleSeconds: 60 } },
    scheduled: { log: (line) => logs.push(line) },
    ...overrides,
  }))
  const admin = createProvider({
    issuer: ISSUER,
    storage: sqlStorage(d1Driver(env.DB), { dialect: 'sqlite' }),
    accounts: users.accounts,
    secrets: [SECRET],
    now: clock.now,
  })

  /** One request through the Worker, as the runtime would dispatch it; waits for its waitUntil work. */
  const call = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const ctx = createExecutionContext()
    const response = await worker.fetch(new Request(input, init), env, ctx)
    await waitOnExecutionContext(ctx)
    return response
  }
  /** One Cron Trigger. */
  const cron = async () => {
    const ctx = createExecutionContext()
    await worker.scheduled(createScheduledController({ scheduledTime: clock.now(), cron: '*/30 * * * *' }), env, ctx)
    await waitOnExecutionContext(ctx)
  }
  const via = { [oauth.customFetch]: call }

  return { worker, clock, users, logs, cachePrefix, admin, call, cron, via }
}

export type WorkerSetup = Awaited<ReturnType<typeof setupWorker>>

/** Reads the hidden fields of the built-in consent page. */
export function consentFields(html: string): { interaction: string; csrf: string } {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? ''
  return { interaction: field('interaction'), csrf: field('csrf') }
}

export const form = (values: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(values).toString(),
})
