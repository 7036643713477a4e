import { type ClientInput, memoryStorage, type Storage } from '@grantline/core'
import { expect } from 'vitest'
import { basic, form, ISSUER, REDIRECT_URI, type Setup } from '../support/provider.js'

/** An RFC 7636 §4.1 verifier and its S256 challenge (§4.2). */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)))
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
  return { verifier, challenge: base64url(digest) }
}

export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/** A confidential client (client_secret_basic) for REDIRECT_URI unless told otherwise. */
export async function createClient(s: Setup, input: Partial<ClientInput> = {}) {
  const created = await s.provider.clients.create({ client_name: 'App', redirect_uris: [REDIRECT_URI], ...input })
  return { client_id: created.client.client_id, client_secret: created.client_secret ?? '', client: created.client }
}

/** The authorization endpoint URL with these query parameters. */
export function authorizeUrl(params: Record<string, string>, base = ISSUER): string {
  return `${base}/authorize/?${new URLSearchParams(params)}`
}

/** The parameters of a redirect: its query, or its fragment when the response used one. */
export function redirectParams(response: Response): URLSearchParams {
  const location = response.headers.get('location')
  expect(location, 'a Location header').toBeTruthy()
  const url = new URL(location as string)
  return new URLSearchParams(url.hash ? url.hash.slice(1) : url.search)
}

/** Asserts a local error page: HTML, the given status, and no redirect anywhere. */
export async function expectLocalPage(response: Response, status = 400): Promise<string> {
  expect(response.status).toBe(status)
  expect(response.headers.get('location')).toBeNull()
  expect(response.headers.get('content-type')).toMatch(/^text\/html/)
  return response.text()
}

/**
 * Asserts an RFC 6749 §5.2 error response: the status, a JSON body naming the error with a
 * non-empty description, and the no-store / no-cache headers of §5.1.
 */
export async function expectJsonError(
  response: Response,
  error: string,
  status = 400,
): Promise<{ error: string; error_description: string }> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('pragma')).toBe('no-cache')
  const body = (await response.json()) as { error: string; error_description: string }
  expect(body.error).toBe(error)
  expect(typeof body.error_description).toBe('string')
  expect(body.error_description.trim().length).toBeGreaterThanOrEqual(8)
  expect(body.error_description).not.toBe(error)
  return body
}

/**
 * Asserts invalid_client (RFC 6749 §5.2). After Basic it MUST be 401 with a Basic challenge.
 * Otherwise §5.2 allows 400 or 401 (Grantline answers 400), and a 401 would need a challenge
 * (RFC 9110 §15.5.2).
 */
export async function expectInvalidClient(response: Response, usedBasic: boolean): Promise<void> {
  if (usedBasic || response.status === 401) {
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/)
    await expectJsonError(response, 'invalid_client', 401)
  } else {
    await expectJsonError(response, 'invalid_client', 400)
  }
}

/** POSTs a form to a Grantline endpoint, optionally with Basic client credentials. */
export function post(s: Setup, endpoint: string, values: Record<string, string>, auth?: { id: string; secret: string }): Promise<Response> {
  const { headers, ...init } = form(values)
  return s.provider.handle(
    new Request(`${ISSUER}/${endpoint}/`, {
      ...init,
      headers: { ...headers, ...(auth ? { authorization: basic(auth.id, auth.secret) } : {}) },
    }),
  )
}

type Credentials = { client_id: string; client_secret: string }

/**
 * Runs the browser part of the code flow with PKCE for a signed-in user and approves the consent
 * page when it shows. Answers the code and the verifier to redeem it with.
 */
export async function obtainCode(
  s: Setup,
  client: Pick<Credentials, 'client_id'>,
  options: { cookie?: string; extra?: Record<string, string>; pkce?: boolean } = {},
): Promise<{ code: string; verifier: string | undefined; cookie: string }> {
  const cookie = options.cookie ?? s.users.signIn('user-1')
  const pair = options.pkce === false ? undefined : await pkcePair()
  const url = authorizeUrl({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    state: 'st',
    ...(pair ? { code_challenge: pair.challenge, code_challenge_method: 'S256' } : {}),
    ...options.extra,
  })
  const first = await s.provider.handle(new Request(url, { headers: { cookie } }))
  let final = first
  if (first.status === 200) {
    const html = await first.text()
    const fields = {
      interaction: /name="interaction" value="([^"]+)"/.exec(html)?.[1] ?? '',
      csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '',
    }
    const { headers, ...init } = form({ ...fields, allow: 'Authorize' })
    final = await s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie } }))
  }
  const code = redirectParams(final).get('code')
  expect(code, `a code in ${final.headers.get('location')}`).toBeTruthy()
  return { code: code as string, verifier: pair?.verifier, cookie }
}

/** Redeems a code at the token endpoint with Basic client authentication. */
export function redeem(s: Setup, client: Credentials, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return post(
    s,
    'token',
    { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, ...extra },
    { id: client.client_id, secret: client.client_secret },
  )
}

/** Runs the code flow to the end: answers the token response. */
export async function obtainTokens(s: Setup, client: Credentials): Promise<{ access_token: string; refresh_token: string }> {
  const { code, verifier } = await obtainCode(s, client)
  const response = await redeem(s, client, code, { code_verifier: verifier as string })
  expect(response.status).toBe(200)
  return (await response.json()) as { access_token: string; refresh_token: string }
}

/** RFC 7662 introspection of `token` by `client`. */
export async function introspect(s: Setup, client: Credentials, token: string): Promise<Record<string, unknown>> {
  const response = await post(s, 'introspect', { token }, { id: client.client_id, secret: client.client_secret })
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

/** One call to a Storage method, with a deep copy of its arguments. */
export interface StorageCall {
  method: string
  args: unknown[]
}

/** Wraps a Storage so that every method call and its arguments are recorded. */
export function recordingStorage(inner: Storage = memoryStorage()): { storage: Storage; calls: StorageCall[] } {
  const calls: StorageCall[] = []
  const storage = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls.push({ method: String(property), args: structuredClone(args) })
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { storage, calls }
}

/** A memoryStorage whose method `failOn` names starts rejecting, as a database that went away. */
export function breakableStorage(inner: Storage = memoryStorage()): {
  storage: Storage
  failOn(method: keyof Storage, error: Error): void
} {
  let failing: { method: PropertyKey; error: Error } | undefined
  const storage = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        if (failing?.method === property) return Promise.reject(failing.error)
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return {
    storage,
    failOn(method, error) {
      failing = { method, error }
    },
  }
}
