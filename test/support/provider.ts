import { createProvider, memoryStorage, type ProviderConfig, type Storage } from '@grantline/core'
import { createFakeClock, testAccounts } from '@grantline/testing'

export const ISSUER = 'https://as.example/o'
export const REDIRECT_URI = 'https://app.example/cb'
export const SECRET = 'test-secret-0123456789-abcdefghijklmnop'

/**
 * An in-process provider on memory storage with a fake clock and two users, for endpoint tests.
 * `fetch` routes a real client's requests (oauth4webapi's customFetch) to `provider.handle`.
 */
export function setup(overrides: Partial<ProviderConfig> = {}, storage: Storage = memoryStorage()) {
  const clock = createFakeClock()
  const users = testAccounts(
    [
      { sub: 'user-1', username: 'alice', password: 'correct horse', claims: { name: 'Alice' } },
      { sub: 'user-2', username: 'bob', password: 'battery staple' },
    ],
    clock.now,
  )
  const provider = createProvider({
    issuer: ISSUER,
    storage,
    accounts: users.accounts,
    secrets: [SECRET],
    now: clock.now,
    // In-process requests carry no client address: the warning that says so is checked in
    // test/hardening/client-address.test.ts, and is only noise here.
    onWarning: () => {},
    ...overrides,
  })
  const fetch = (input: string | URL | Request, init?: RequestInit) => provider.handle(new Request(input, init))
  return { provider, storage, clock, users, fetch }
}

export type Setup = ReturnType<typeof setup>

export const form = (values: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
})

export const basic = (id: string, secret: string) => `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`

/** Reads the hidden fields of the built-in consent page. */
export function consentFields(html: string): { interaction: string; csrf: string } {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? ''
  return { interaction: field('interaction'), csrf: field('csrf') }
}

/**
 * Walks the browser part of the code flow for a signed-in user: GET the authorization URL, and,
 * if the consent page shows, approve (or deny) it. Answers the final redirect Response.
 */
export async function authorizeAs(s: Setup, cookie: string, url: URL | string, decision: 'allow' | 'deny' = 'allow'): Promise<Response> {
  const first = await s.provider.handle(new Request(url, { headers: { cookie } }))
  if (first.status !== 200) return first
  const fields = consentFields(await first.text())
  const body: Record<string, string> = { ...fields, ...(decision === 'allow' ? { allow: 'Authorize' } : {}) }
  const { headers, ...init } = form(body)
  return s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie } }))
}
