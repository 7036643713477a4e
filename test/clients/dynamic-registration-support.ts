import type { ProviderConfig } from '@grantline/core'
import type * as oauth from 'oauth4webapi'
import { expect } from 'vitest'
import { as } from '../e2e/support.js'
import { ISSUER, type Setup, setup } from '../support/provider.js'

export const REGISTRATION_ENDPOINT = `${ISSUER}/register/`

/** The server metadata a registering client knows: RFC 8414 §2 with `registration_endpoint`. */
export const server: oauth.AuthorizationServer = { ...as, registration_endpoint: REGISTRATION_ENDPOINT }

/** A provider with registration on (open policy unless said), on memory storage and a fake clock. */
export function registrationSetup(
  registration: ProviderConfig['registration'] = { policy: 'open' },
  overrides: Partial<ProviderConfig> = {},
) {
  return setup({ registration, ...overrides })
}

/** MCP-style metadata: a public native client on a loopback redirect (RFC 8252 §7.3). */
export const NATIVE = {
  client_name: 'Example MCP host',
  redirect_uris: ['http://127.0.0.1:33418/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
}

/** POSTs `body` (JSON unless a string) to the registration endpoint; answers the raw Response. */
export function postRegistration(s: Setup, body: unknown, headers: Record<string, string> = {}, ...rest: unknown[]): Promise<Response> {
  return s.provider.handle(
    new Request(REGISTRATION_ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    ...rest,
  )
}

/** Registers `body`, expecting 201; answers the client information response (RFC 7591 §3.2.1). */
export async function registered(s: Setup, body: unknown = NATIVE, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await postRegistration(s, body, headers)
  const info = (await response.json()) as Record<string, unknown>
  expect(response.status, JSON.stringify(info)).toBe(201)
  return info
}

/** Expects an RFC 7591 §3.2.2 error: JSON with `error`, status 400 unless said. */
export async function expectError(response: Response | Promise<Response>, error: string, status = 400): Promise<Record<string, unknown>> {
  const answer = await response
  const body = (await answer.json()) as Record<string, unknown>
  expect({ status: answer.status, error: body.error }, JSON.stringify(body)).toEqual({ status, error })
  expect(answer.headers.get('cache-control')).toBe('no-store')
  return body
}

/** A request to the client configuration endpoint (RFC 7592 §2) with `token` as Bearer. */
export function configure(
  s: Setup,
  uri: unknown,
  token: unknown,
  method: 'GET' | 'PUT' | 'DELETE' = 'GET',
  body?: unknown,
): Promise<Response> {
  return s.provider.handle(
    new Request(String(uri), {
      method,
      headers: { authorization: `Bearer ${String(token)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  )
}
