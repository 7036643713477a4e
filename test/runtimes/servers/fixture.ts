// What every runtime's server entry shares: the provider configuration, a test Accounts fixture
// that any runtime can verify, the seeded clients, and the line that tells the harness it is up.
// Web APIs only: this file runs in Node, Deno, Bun and workerd alike.
import type { Accounts, Provider, ProviderConfig, Storage } from '@grantline/core'

export const REDIRECT_URI = 'https://app.example/cb'
export const TEST_USER = { sub: 'user-runtime-1', username: 'alice', claims: { name: 'Alice Runtime' } }
export const COOKIE = 'gl_test_user'
/** The route of the workerd test Worker that seeds it (Bearer SECRET): Workers have no start-up hook. */
export const SEED_PATH = '/__test/seed'

export interface SeededClient {
  client_id: string
  client_secret: string
}

/** Printed on stdout, one line, once the server listens. */
export interface ReadyLine {
  runtime: string
  origin: string
  issuer: string
  web: SeededClient
  machine: SeededClient
  /** The Cookie header value of the signed-in test user. */
  cookie: string
}

export const READY = 'GRANTLINE_READY '

const encoder = new TextEncoder()
const base64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

async function mac(secret: string, value: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return base64url(await crypto.subtle.sign('HMAC', key, encoder.encode(`${COOKIE}:${value}`)))
}

/**
 * Accounts for the runtime matrix: the signed-in user is the one a `gl_test_user=<sub>.<authTime>.<hmac>`
 * cookie names with a valid HMAC under the server's secret, so the harness can sign the user in
 * without a login form or any PBKDF2 work (test fixture only).
 */
export function signedCookieAccounts(secret: string): Accounts & { cookieFor(sub: string, authTime: number): Promise<string> } {
  const user = (sub: string) => (sub === TEST_USER.sub ? TEST_USER : undefined)
  return {
    async cookieFor(sub, authTime) {
      const value = `${sub}.${authTime}`
      return `${COOKIE}=${value}.${await mac(secret, value)}`
    },
    async current(request) {
      const cookie = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(request.headers.get('cookie') ?? '')?.[1]
      const [sub, authTime, signature] = cookie?.split('.') ?? []
      if (!sub || !authTime || !signature || !user(sub)) return null
      if (signature !== (await mac(secret, `${sub}.${authTime}`))) return null
      return { sub, sessionId: `session-${sub}-${authTime}`, authTime: Number(authTime) }
    },
    async loginResponse(_request, context) {
      return new Response(null, { status: 302, headers: { location: `/login?next=${encodeURIComponent(context.returnTo)}` } })
    },
    async logout(_request, context) {
      return new Response(null, { status: 302, headers: { location: context.returnTo } })
    },
    async claims(sub) {
      return user(sub)?.claims ?? {}
    },
    async username(sub) {
      return user(sub)?.username
    },
  }
}

/** The provider configuration every runtime serves, on that runtime's own storage. */
export function runtimeConfig(options: {
  issuer: string
  secret: string
  storage: Storage
}): ProviderConfig & { accounts: ReturnType<typeof signedCookieAccounts> } {
  return { issuer: options.issuer, secrets: [options.secret], storage: options.storage, accounts: signedCookieAccounts(options.secret) }
}

/** A web app (code + refresh) and a batch job (client_credentials), each with its secret. */
export async function seedClients(provider: Pick<Provider, 'clients'>): Promise<{ web: SeededClient; machine: SeededClient }> {
  const web = await provider.clients.create({
    client_name: 'Runtime matrix web app',
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [REDIRECT_URI],
  })
  const machine = await provider.clients.create({
    client_name: 'Runtime matrix batch job',
    grant_types: ['client_credentials'],
    scope: 'read',
  })
  const secretOf = (created: { client: { client_id: string }; client_secret?: string }): SeededClient => {
    if (!created.client_secret) throw new Error('a confidential client comes with its secret')
    return { client_id: created.client.client_id, client_secret: created.client_secret }
  }
  return { web: secretOf(web), machine: secretOf(machine) }
}

/** The ready line of a server listening at `origin` with issuer `${origin}/o`. */
export async function readyLine(
  runtime: string,
  origin: string,
  accounts: ReturnType<typeof signedCookieAccounts>,
  clients: { web: SeededClient; machine: SeededClient },
): Promise<string> {
  const cookie = await accounts.cookieFor(TEST_USER.sub, Math.floor(Date.now() / 1000))
  const line: ReadyLine = { runtime, origin, issuer: `${origin}/o`, ...clients, cookie }
  return `${READY}${JSON.stringify(line)}`
}
