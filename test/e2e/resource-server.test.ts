import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { ISSUER, setup } from '../support/provider.js'
import { codeFlow, register, revoke } from './support.js'

type Setup = ReturnType<typeof setup>

const API = new URL('https://api.example/photos')

/** A protected resource guarded by `provider.verifyAccessToken`, the analogue of DOT's ProtectedResourceView. */
function resourceServer(s: Setup, scopes?: string[]) {
  return async (url: string, init: { method: string; headers: Record<string, string> }) => {
    const request = new Request(url, { method: init.method, headers: init.headers })
    const verified = await s.provider.verifyAccessToken(request, scopes ? { scopes } : {})
    return verified instanceof Response ? verified : Response.json(verified)
  }
}

/** Calls the resource with oauth4webapi, which sends `Authorization: Bearer` and parses challenges. */
function call(s: Setup, token: string, scopes?: string[]) {
  return oauth.protectedResourceRequest(token, 'GET', API, undefined, undefined, { [oauth.customFetch]: resourceServer(s, scopes) })
}

/** The parsed WWW-Authenticate challenge oauth4webapi raised for a refused request. */
async function challenge(request: Promise<Response>) {
  const error = await request.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
  const { status, cause } = error as oauth.WWWAuthenticateChallengeError
  // RFC 9449 §7.2: the server takes DPoP proofs, so the DPoP scheme and its algs come beside Bearer.
  expect(cause).toHaveLength(2)
  expect(cause[1]).toMatchObject({ scheme: 'dpop', parameters: { realm: ISSUER, algs: 'ES256 RS256 PS256 EdDSA' } })
  return { status, scheme: cause[0]!.scheme, parameters: cause[0]!.parameters }
}

async function granted(scope = 'read write') {
  const s = setup()
  const reg = await register(s)
  const tokens = await codeFlow(s, reg, s.users.signIn('user-1'), { scope })
  return { s, reg, tokens }
}

describe('resource server: provider.verifyAccessToken (RFC 6750)', () => {
  it('RFC 6750 §2.1: a valid bearer token yields sub, client_id and scopes', async () => {
    const { s, reg, tokens } = await granted()
    const response = await call(s, tokens.access_token, ['read'])
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      sub: 'user-1',
      client_id: reg.client.client_id,
      scopes: ['read', 'write'],
      expires_at: Math.floor(s.clock.now() / 1000) + 3600,
      audience: [],
    })
  })

  it('RFC 6750 §3.1: a request without a token gets 401 with bare Bearer and DPoP challenges (RFC 9449 §7.2) and no error', async () => {
    const s = setup()
    const response = await s.provider.verifyAccessToken(new Request(API))
    expect(response).toBeInstanceOf(Response)
    const refused = response as Response
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe(`Bearer realm="${ISSUER}", DPoP realm="${ISSUER}", algs="ES256 RS256 PS256 EdDSA"`)
    expect(refused.headers.get('www-authenticate')).not.toContain('error')
  })

  it('RFC 6750 §3.1: an unknown token gets 401 error="invalid_token"', async () => {
    const s = setup()
    const refused = await challenge(call(s, 'gl_at_this-token-was-never-issued'))
    expect(refused).toMatchObject({ status: 401, scheme: 'bearer', parameters: { realm: ISSUER, error: 'invalid_token' } })
  })

  it('RFC 6750 §3.1: an expired or revoked token gets 401 error="invalid_token"', async () => {
    const { s, reg, tokens } = await granted()
    s.clock.advance(3600)
    expect(await challenge(call(s, tokens.access_token))).toMatchObject({ status: 401, parameters: { error: 'invalid_token' } })
    const fresh = await codeFlow(s, reg, s.users.signIn('user-1'))
    expect((await call(s, fresh.access_token)).status).toBe(200)
    await revoke(s, reg, fresh.access_token)
    expect(await challenge(call(s, fresh.access_token))).toMatchObject({ status: 401, parameters: { error: 'invalid_token' } })
  })

  it('RFC 6750 §3.1: a refresh token is not an access token (invalid_token)', async () => {
    const { s, tokens } = await granted()
    expect(await challenge(call(s, tokens.refresh_token!))).toMatchObject({ status: 401, parameters: { error: 'invalid_token' } })
  })

  it('RFC 6750 §3.1: a token lacking a required scope gets 403 error="insufficient_scope"', async () => {
    const { s, tokens } = await granted('read')
    const refused = await challenge(call(s, tokens.access_token, ['read', 'write']))
    expect(refused).toMatchObject({
      status: 403,
      scheme: 'bearer',
      parameters: { realm: ISSUER, error: 'insufficient_scope', scope: 'read write' },
    })
  })

  it('RFC 6750 §3.1: a malformed Authorization header gets 400 error="invalid_request"', async () => {
    const s = setup()
    const response = (await s.provider.verifyAccessToken(
      new Request(API, { headers: { authorization: 'Bearer not a token' } }),
    )) as Response
    expect(response.status).toBe(400)
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"')
  })
})
