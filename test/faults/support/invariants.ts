import { type AccessTokenRecord, type RefreshTokenRecord, sha256Hex } from '@grantline/core'
import { expect } from 'vitest'
import { ALLOWED_ERRORS, checkErrorBody, ERROR_DESCRIPTION, STACK_TRACE as STACK_TRACES } from '../../fuzz/support/oauth-errors.js'
import type { Exchange, FaultEnv } from './env.js'

/** The one description an unexpected failure gets (docs/architecture.md "The request pipeline"). */
export const GENERIC_DESCRIPTION = 'the server could not complete the request'

/** The fuzz suite's stack-trace pattern, without its global flag (`toMatch` must not keep state). */
const STACK_TRACE = new RegExp(STACK_TRACES.source)

const isJson = (exchange: Exchange) => /^application\/json/.test(exchange.response.headers.get('content-type') ?? '')
const isPage = (exchange: Exchange) => /^text\/html/.test(exchange.response.headers.get('content-type') ?? '')
const headerText = (exchange: Exchange) => [...exchange.response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')

/**
 * RFC 6749 §5.2 / §4.1.2.1: the request during which storage failed answers a clean 500
 * `server_error` with the generic description: JSON with no-store from the JSON endpoints, the
 * local error page at the authorization endpoint; never a redirect, never a 200.
 */
export function expectCleanServerError(exchange: Exchange): void {
  const where = `${exchange.step}: ${exchange.response.status} ${exchange.text.slice(0, 200)}`
  expect(exchange.response.status, where).toBe(500)
  expect(exchange.response.headers.get('location'), where).toBeNull()
  expect(exchange.response.headers.get('cache-control'), where).toBe('no-store')
  if (isPage(exchange)) {
    expect(exchange.text, where).toContain('server_error')
    expect(exchange.text, where).toContain(GENERIC_DESCRIPTION)
    return
  }
  expect(isJson(exchange), where).toBe(true)
  expect(JSON.parse(exchange.text), where).toStrictEqual({ error: 'server_error', error_description: GENERIC_DESCRIPTION })
}

/** A response with a status below 500 is a success or a well-formed refusal: an RFC 6749 §5.2 body or a page. */
export function expectWellFormed(exchange: Exchange): void {
  const { status } = exchange.response
  const where = `${exchange.step}: ${status} ${exchange.text.slice(0, 200)}`
  expect(status, where).toBeLessThan(500)
  if (status < 400) return
  if (isPage(exchange)) return
  const body = JSON.parse(exchange.text) as unknown
  const allowed = exchange.step.includes('userinfo') ? ALLOWED_ERRORS.userinfo : ALLOWED_ERRORS.revoke
  checkErrorBody(body, allowed, where)
  const description = (body as { error_description?: string }).error_description ?? ''
  expect(description, where).toMatch(ERROR_DESCRIPTION)
}

/** No response carries a known secret, the injected error's message or stack, or any stack trace. */
export function expectNothingLeaked(env: FaultEnv, error: Error | undefined): void {
  const forbidden = [...env.secrets.filter(Boolean), ...(error ? [error.message, 'db-primary', 'grantline_admin'] : [])]
  const frames = (error?.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean)
  for (const exchange of env.exchanges) {
    const text = `${exchange.text}\n${headerText(exchange)}`
    for (const value of [...forbidden, ...frames]) expect(text.includes(value), `${exchange.step} shows ${value.slice(0, 40)}`).toBe(false)
    expect(text, exchange.step).not.toMatch(STACK_TRACE)
  }
}

/** The tokens and codes a response handed to the client (JSON body, Location, or form_post fields). */
export function issuedIn(exchange: Exchange): { access: string[]; refresh: string[]; codes: string[] } {
  const found = { access: [] as string[], refresh: [] as string[], codes: [] as string[] }
  if (exchange.response.status >= 400) return found
  const location = exchange.response.headers.get('location')
  if (location) {
    const url = new URL(location, 'https://as.example')
    const params = new URLSearchParams(url.hash ? url.hash.slice(1) : url.search)
    for (const code of params.getAll('code')) found.codes.push(code)
    for (const token of params.getAll('access_token')) found.access.push(token)
  }
  if (isJson(exchange)) {
    const body = JSON.parse(exchange.text) as Record<string, unknown>
    if (typeof body.access_token === 'string') found.access.push(body.access_token)
    if (typeof body.refresh_token === 'string') found.refresh.push(body.refresh_token)
  }
  return found
}

/**
 * docs/architecture.md "Storage": no token reaches the client unless it is stored. Checked right after each
 * response, in the underlying memoryStorage (not through the failing wrapper), before later steps
 * revoke anything.
 */
export async function expectIssuedTokensStored(env: FaultEnv, exchange: Exchange): Promise<void> {
  const now = env.seconds()
  const { access, refresh } = issuedIn(exchange)
  for (const token of access)
    expect(await env.inner.findAccessToken(sha256Hex(token), now), `${exchange.step}: returned access token is stored`).not.toBeNull()
  for (const token of refresh)
    expect(await env.inner.findRefreshToken(sha256Hex(token), now), `${exchange.step}: returned refresh token is stored`).not.toBeNull()
}

/**
 * A returned code is stored: at the end, consuming it (at the time it was issued, so that its TTL
 * does not matter) finds it, fresh or as the tombstone of its redemption; never absent.
 */
export async function expectCodesStored(env: FaultEnv, issuedAt: Map<string, number>): Promise<void> {
  for (const [code, at] of issuedAt) {
    const result = await env.inner.consume('code', sha256Hex(code), at)
    expect(result.status, 'a code returned to the client is stored').not.toBe('absent')
  }
}

/** The access and refresh tokens the calls in [from, to) wrote, from the wrapper's record of their arguments. */
export function writtenTokens(env: FaultEnv, from: number, to: number): { access: AccessTokenRecord[]; refresh: RefreshTokenRecord[] } {
  const written = { access: [] as AccessTokenRecord[], refresh: [] as RefreshTokenRecord[] }
  for (const call of env.faults.calls.slice(from, to)) {
    const tokens =
      call.method === 'issueTokens'
        ? (call.args[0] as { access: AccessTokenRecord; refresh?: RefreshTokenRecord })
        : call.method === 'rotateRefresh'
          ? (call.args[1] as { access: AccessTokenRecord; refresh: RefreshTokenRecord })
          : undefined
    if (!tokens) continue
    written.access.push(tokens.access)
    if (tokens.refresh) written.refresh.push(tokens.refresh)
  }
  return written
}

/**
 * RFC 9700 §4.14.2 / docs/architecture.md "Storage": a rotation is never half-done. Every refresh token the
 * flow wrote that is still valid and marked used names a successor that is stored and valid too
 * (the old token cannot be "used up" with nothing to show for it).
 */
export async function expectNoHalfRotation(env: FaultEnv): Promise<void> {
  const now = env.seconds()
  const { refresh } = writtenTokens(env, 0, env.faults.calls.length)
  for (const record of refresh) {
    const found = await env.inner.findRefreshToken(record.hash, now)
    if (!found || found.token.used_at === null) continue
    expect(found.token.successor_hash, 'a used refresh token names its successor').not.toBeNull()
    expect(
      await env.inner.findRefreshToken(found.token.successor_hash ?? '', now),
      'the successor of a used refresh token is stored',
    ).not.toBeNull()
  }
}

/** None of these tokens works any longer. */
export async function expectDead(
  env: FaultEnv,
  tokens: { access: AccessTokenRecord[]; refresh: RefreshTokenRecord[] },
  why: string,
): Promise<void> {
  const now = env.seconds()
  for (const token of tokens.access) expect(await env.inner.findAccessToken(token.hash, now), why).toBeNull()
  for (const token of tokens.refresh) expect(await env.inner.findRefreshToken(token.hash, now), why).toBeNull()
}
