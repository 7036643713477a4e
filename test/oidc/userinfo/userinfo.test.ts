import { createLocalJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it, vi } from 'vitest'
import { register, revoke, via } from '../../e2e/support.js'
import { ISSUER, setup } from '../../support/provider.js'
import { codeFlow, granted, type OidcSetup, setupOidc, signIn } from './support.js'

const USERINFO = `${ISSUER}/userinfo/`

const get = (s: OidcSetup, headers: Record<string, string> = {}) => s.provider.handle(new Request(USERINFO, { headers }))
const post = (s: OidcSetup, body: Record<string, string>, headers: Record<string, string> = {}) =>
  s.provider.handle(
    new Request(USERINFO, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body),
    }),
  )

/** The parsed `WWW-Authenticate: Bearer` challenge of a refusal, as oauth4webapi reads it; CORS and no-store included. */
async function refusal(request: Promise<Response>) {
  const response = await request
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('access-control-allow-origin')).toBe('*')
  const parsed = await oauth
    .processUserInfoResponse({ issuer: ISSUER }, { client_id: 'x' }, oauth.skipSubjectCheck, response)
    .catch((e: unknown) => e)
  expect(parsed).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
  const { status, cause } = parsed as oauth.WWWAuthenticateChallengeError
  return { status, scheme: cause[0]!.scheme, parameters: cause[0]!.parameters }
}

describe('userinfo endpoint (OIDC Core §5.3)', () => {
  it('§5.3.1-§5.3.2: GET with the Bearer header answers sub and the scoped claims as JSON, uncached, readable cross-origin', async () => {
    const s = await setupOidc()
    const { reg, tokens, sub } = await granted(s)
    const response = await oauth.userInfoRequest(s.as, reg.client, tokens.access_token, via(s))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    // The subject must be the ID Token's (§5.3.2); oauth4webapi checks it.
    const claims = await oauth.processUserInfoResponse(s.as, reg.client, oauth.getValidatedIdTokenClaims(tokens)!.sub, response)
    expect(claims).toEqual({ sub, name: 'Alice' })
  })

  it('RFC 6750 §2.2: a POST may carry the token as the access_token form field', async () => {
    const s = await setupOidc()
    const { tokens, sub } = await granted(s)
    const response = await post(s, { access_token: tokens.access_token })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ sub, name: 'Alice' })
  })

  it('RFC 6750 §2.1: a POST may carry the token in the header too', async () => {
    const s = await setupOidc()
    const { tokens, sub } = await granted(s)
    const response = await s.provider.handle(
      new Request(USERINFO, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } }),
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ sub, name: 'Alice' })
  })

  it('RFC 6750 §2: a token sent both in the header and in the body is invalid_request (400)', async () => {
    const s = await setupOidc()
    const { tokens } = await granted(s)
    const refused = await refusal(post(s, { access_token: tokens.access_token }, { authorization: `Bearer ${tokens.access_token}` }))
    expect(refused).toMatchObject({ status: 400, scheme: 'bearer', parameters: { error: 'invalid_request' } })
  })

  it('RFC 6750 §2.2: a GET cannot carry the token in a body or the query', async () => {
    const s = await setupOidc()
    const { tokens } = await granted(s)
    const refused = await refusal(s.provider.handle(new Request(`${USERINFO}?access_token=${tokens.access_token}`)))
    expect(refused.status).toBe(401)
  })

  it('RFC 6750 §3.1: a request without a token gets a bare 401 Bearer challenge, no error code', async () => {
    const s = await setupOidc()
    const refused = await refusal(get(s))
    expect(refused).toEqual({ status: 401, scheme: 'bearer', parameters: { realm: ISSUER } })
  })

  it('RFC 6750 §3.1: a malformed Authorization header is invalid_request (400)', async () => {
    const s = await setupOidc()
    const refused = await refusal(get(s, { authorization: 'Bearer not a token' }))
    expect(refused).toMatchObject({ status: 400, parameters: { error: 'invalid_request' } })
  })

  it('OIDC Core §5.3.3 / RFC 6750 §3.1: unknown, expired and revoked tokens are invalid_token (401)', async () => {
    const s = await setupOidc()
    expect(await refusal(get(s, { authorization: 'Bearer gl_at_unknown' }))).toMatchObject({
      status: 401,
      parameters: { error: 'invalid_token' },
    })

    const revoked = await granted(s)
    await revoke(s, revoked.reg, revoked.tokens.access_token)
    expect(await refusal(get(s, { authorization: `Bearer ${revoked.tokens.access_token}` }))).toMatchObject({
      status: 401,
      parameters: { error: 'invalid_token' },
    })

    const expired = await granted(s)
    s.clock.advance(3601)
    expect(await refusal(get(s, { authorization: `Bearer ${expired.tokens.access_token}` }))).toMatchObject({
      status: 401,
      parameters: { error: 'invalid_token' },
    })
  })

  it('OIDC Core §5.3 / RFC 6750 §3.1: a token granted without openid is insufficient_scope (403, scope="openid")', async () => {
    const s = await setupOidc()
    const { tokens } = await granted(s, 'read')
    expect(await refusal(get(s, { authorization: `Bearer ${tokens.access_token}` }))).toMatchObject({
      status: 403,
      parameters: { error: 'insufficient_scope', scope: 'openid' },
    })
  })

  it('OIDC Core §5.3: a token without an end-user (client_credentials) is invalid_token (401)', async () => {
    const s = await setupOidc()
    const reg = await register(s, { grant_types: ['client_credentials'], redirect_uris: [] })
    const response = await oauth.clientCredentialsGrantRequest(s.as, reg.client, reg.auth, new URLSearchParams({ scope: 'openid' }), via(s))
    const tokens = await oauth.processClientCredentialsResponse(s.as, reg.client, response)
    expect(tokens.scope).toBe('openid')
    expect(await refusal(get(s, { authorization: `Bearer ${tokens.access_token}` }))).toMatchObject({
      status: 401,
      parameters: { error: 'invalid_token' },
    })
  })

  it('OIDC Core §5.4: only the claims of the granted scopes are released', async () => {
    const s = await setupOidc()
    const ask = async (scope: string) => {
      const { tokens } = await granted(s, scope)
      return (await get(s, { authorization: `Bearer ${tokens.access_token}` })).json()
    }
    const sub = s.alice.sub
    expect(await ask('openid')).toEqual({ sub })
    expect(await ask('openid email')).toEqual({ sub, email: 'alice@example.com', email_verified: true })
    expect(await ask('openid profile phone')).toEqual({ sub, name: 'Alice', phone_number: '+1 555 0100' })
  })

  it('OIDC Core §5.5: accounts.claims gets use "userinfo", the token scopes and the userinfo member of the claims request', async () => {
    const s = await setupOidc()
    const spy = vi.spyOn(s.accounts, 'claims')
    const { reg } = await granted(s, 'openid')
    const tokens = await codeFlow(s, reg, await signIn(s), 'openid', {
      claims: JSON.stringify({ userinfo: { email: { essential: true } }, id_token: { name: null } }),
    })
    spy.mockClear()
    await get(s, { authorization: `Bearer ${tokens.access_token}` })
    expect(spy).toHaveBeenCalledExactlyOnceWith(s.alice.sub, {
      scopes: ['openid'],
      clientId: reg.client.client_id,
      use: 'userinfo',
      claims: { userinfo: { email: { essential: true } }, id_token: undefined },
    })
  })

  it('OIDC Core §5.3.2: the token subject wins over a sub the host answers', async () => {
    const s = await setupOidc()
    const { tokens, sub } = await granted(s)
    vi.spyOn(s.accounts, 'claims').mockResolvedValue({ sub: 'someone-else', name: 'Mallory' })
    expect(await (await get(s, { authorization: `Bearer ${tokens.access_token}` })).json()).toEqual({ sub, name: 'Mallory' })
  })

  it('OIDC Core §5.3.2: Accept: application/jwt gets a JWT signed with the active key, with iss and aud, verifiable with the JWKS', async () => {
    const s = await setupOidc()
    const { reg, tokens, sub } = await granted(s)
    const client: oauth.Client = { ...reg.client, userinfo_signed_response_alg: 'ES256' }
    const response = await oauth.userInfoRequest(s.as, client, tokens.access_token, via(s))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/jwt')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const jwt = await response.clone().text()
    const claims = await oauth.processUserInfoResponse(s.as, client, sub, response)
    await oauth.validateApplicationLevelSignature(s.as, response, via(s))
    expect(claims).toMatchObject({ sub, name: 'Alice', iss: ISSUER, aud: reg.client.client_id })

    const jwks = createLocalJWKSet(await (await s.fetch(s.as.jwks_uri!)).json())
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, {
      issuer: ISSUER,
      audience: reg.client.client_id,
      algorithms: ['ES256'],
    })
    expect(protectedHeader.alg).toBe('ES256')
    expect(payload.sub).toBe(sub)
  })

  it('RFC 9110 §12.5.1: JSON stays the default when application/json is acceptable at least as much as application/jwt', async () => {
    const s = await setupOidc()
    const { tokens } = await granted(s)
    const auth = { authorization: `Bearer ${tokens.access_token}` }
    // oauth4webapi's default Accept lists both.
    expect((await get(s, { ...auth, accept: 'application/json, application/jwt' })).headers.get('content-type')).toMatch(
      /^application\/json/,
    )
    expect((await get(s, { ...auth, accept: 'application/json;q=0.5, application/jwt' })).headers.get('content-type')).toBe(
      'application/jwt',
    )
    expect((await get(s, { ...auth, accept: '*/*' })).headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('Fetch CORS protocol: OPTIONS preflight answers 204 allowing GET, POST and the Authorization and DPoP headers (RFC 9449 §7.1) from any origin', async () => {
    const s = await setupOidc()
    const response = await s.provider.handle(
      new Request(USERINFO, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://spa.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      }),
    )
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST')
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization, DPoP')
    // A wildcard origin is only safe without credentials: never allowed here.
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('answers 405 to other methods, and is served without the trailing slash too', async () => {
    const s = await setupOidc()
    const put = await s.provider.handle(new Request(USERINFO, { method: 'PUT' }))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST, OPTIONS')
    expect((await s.provider.handle(new Request(`${ISSUER}/userinfo`))).status).toBe(401)
  })

  it('exists only with OpenID Connect on', async () => {
    const s = setup()
    expect((await s.provider.handle(new Request(USERINFO))).status).toBe(404)
  })
})
