import type { ProviderConfig } from '@grantline/core'
import { createResourceServer, type ResourceServer } from '@grantline/resource-server'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, begin, location, type Registered, register, via } from '../e2e/support.js'
import { MCP, remoteResourceServer, setupAs } from '../resource-server/support.js'
import { authorizeAs, ISSUER } from '../support/provider.js'
import { ath, dpopKeys, proof } from './support.js'

/** A provider for the MCP resource on the real clock (proofs carry the client's time). */
function dpopSetup(overrides: Partial<ProviderConfig> = {}) {
  const s = setupAs({ now: () => Date.now(), ...overrides })
  s.clock.set(Date.now())
  return s
}

type S = ReturnType<typeof dpopSetup>

/** An API that answers what `verify` found, or its refusal. */
function api(server: ResourceServer) {
  // oauth4webapi's options are a RequestInit in all but the body's declared type.
  return async (input: string, init?: object) => {
    const result = await server.verify(new Request(input, init as RequestInit))
    return result instanceof Response ? result : Response.json(result)
  }
}

async function dpopToken(s: S, reg: Registered, DPoP: oauth.DPoPHandle) {
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    reg.client,
    reg.auth,
    { scope: 'read', resource: MCP },
    { ...via(s), DPoP },
  )
  return (await oauth.processClientCredentialsResponse(as, reg.client, response)).access_token
}

const modes = {
  'same process': async (s: S) => createResourceServer({ resource: MCP, provider: s.provider }),
  remote: async (s: S) => (await remoteResourceServer(s, { now: () => Date.now() })).server,
}

function challenge(response: Response): string {
  return response.headers.get('www-authenticate') ?? ''
}

for (const [mode, make] of Object.entries(modes)) {
  describe(`DPoP at a resource server (@grantline/resource-server, ${mode})`, () => {
    it('RFC 9449 §7: oauth4webapi presents a DPoP token with a proof carrying ath; the resource accepts it', async () => {
      const s = dpopSetup()
      const server = await make(s)
      const reg = await register(s, { grant_types: ['client_credentials'] })
      const DPoP = oauth.DPoP(reg.client, await dpopKeys())
      const token = await dpopToken(s, reg, DPoP)
      const response = await oauth.protectedResourceRequest(token, 'POST', new URL(MCP), new Headers(), null, {
        DPoP,
        [oauth.customFetch]: api(server),
      })
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ client_id: reg.client.client_id, scopes: ['read'], audience: [MCP] })
    })

    it('RFC 9449 §7.1: a bound token presented as Bearer is refused with a DPoP challenge', async () => {
      const s = dpopSetup()
      const server = await make(s)
      const reg = await register(s, { grant_types: ['client_credentials'] })
      const token = await dpopToken(s, reg, oauth.DPoP(reg.client, await dpopKeys()))
      const response = (await server.verify(new Request(MCP, { headers: { authorization: `Bearer ${token}` } }))) as Response
      expect(response.status).toBe(401)
      expect(challenge(response)).toMatch(/^DPoP .*error="invalid_token"/)
      expect(challenge(response)).toMatch(/algs="[^"]*ES256/)
    })

    it('RFC 9449 §7.1, §7.2: no token, or an unknown one under either scheme, is a 401 naming DPoP with its algs beside Bearer; the error is on the scheme used', async () => {
      const s = dpopSetup()
      const server = await make(s)
      const keys = await dpopKeys()
      /** The challenges as oauth4webapi reads them when an API answers `response`, scheme by scheme. */
      const schemes = async (response: Response) => {
        const error = await oauth
          .protectedResourceRequest('t', 'GET', new URL(MCP), new Headers(), null, { [oauth.customFetch]: async () => response })
          .catch((thrown: unknown) => thrown)
        expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
        return (error as oauth.WWWAuthenticateChallengeError).cause.map(({ scheme, parameters }) => ({
          scheme,
          error: parameters.error,
          algs: parameters.algs,
        }))
      }
      const none = (await server.verify(new Request(MCP))) as Response
      expect(none.status).toBe(401)
      expect(await schemes(none)).toEqual([
        { scheme: 'bearer', error: undefined, algs: undefined },
        { scheme: 'dpop', error: undefined, algs: 'ES256 RS256 PS256 EdDSA' },
      ])
      const asBearer = (await server.verify(new Request(MCP, { headers: { authorization: 'Bearer gl_at_unknown' } }))) as Response
      expect(asBearer.status).toBe(401)
      expect(await schemes(asBearer)).toEqual([
        { scheme: 'bearer', error: 'invalid_token', algs: undefined },
        { scheme: 'dpop', error: undefined, algs: 'ES256 RS256 PS256 EdDSA' },
      ])
      const dpop = await proof(keys, { htu: MCP, ath: await ath('gl_at_unknown') })
      const asDpop = (await server.verify(
        new Request(MCP, { method: 'POST', headers: { authorization: 'DPoP gl_at_unknown', dpop } }),
      )) as Response
      expect(asDpop.status).toBe(401)
      expect(await schemes(asDpop)).toEqual([
        { scheme: 'dpop', error: 'invalid_token', algs: 'ES256 RS256 PS256 EdDSA' },
        { scheme: 'bearer', error: undefined, algs: undefined },
      ])
    })

    it('RFC 9449 §7.1: a DPoP token without a proof, with a proof missing ath, or with a wrong ath is invalid_dpop_proof', async () => {
      const s = dpopSetup()
      const server = await make(s)
      const reg = await register(s, { grant_types: ['client_credentials'] })
      const keys = await dpopKeys()
      const token = await dpopToken(s, reg, oauth.DPoP(reg.client, keys))
      const at = (dpop?: string) =>
        server.verify(new Request(MCP, { method: 'POST', headers: { authorization: `DPoP ${token}`, ...(dpop ? { dpop } : {}) } }))
      for (const dpop of [undefined, await proof(keys, { htu: MCP }), await proof(keys, { htu: MCP, ath: await ath('another token') })]) {
        const response = (await at(dpop)) as Response
        expect(response.status).toBe(401)
        expect(challenge(response)).toMatch(/^DPoP .*error="invalid_dpop_proof"/)
      }
      expect(await at(await proof(keys, { htu: MCP, ath: await ath(token) }))).toMatchObject({ client_id: reg.client.client_id })
    })

    it('RFC 9449 §11.1: a proof replayed at the resource is refused', async () => {
      const s = dpopSetup()
      const server = await make(s)
      const reg = await register(s, { grant_types: ['client_credentials'] })
      const keys = await dpopKeys()
      const token = await dpopToken(s, reg, oauth.DPoP(reg.client, keys))
      const dpop = await proof(keys, { htu: MCP, ath: await ath(token) })
      const at = () => server.verify(new Request(MCP, { method: 'POST', headers: { authorization: `DPoP ${token}`, dpop } }))
      expect(await at()).toMatchObject({ client_id: reg.client.client_id })
      const replay = (await at()) as Response
      expect(replay.status).toBe(401)
      expect(challenge(replay)).toMatch(/error="invalid_dpop_proof"/)
    })

    it("RFC 9449 §4.3, §7.1: a proof by another key than the token's, or for another URL or method, is refused", async () => {
      const s = dpopSetup()
      const server = await make(s)
      const reg = await register(s, { grant_types: ['client_credentials'] })
      const keys = await dpopKeys()
      const token = await dpopToken(s, reg, oauth.DPoP(reg.client, keys))
      const hash = await ath(token)
      const at = (dpop: string) => server.verify(new Request(MCP, { method: 'POST', headers: { authorization: `DPoP ${token}`, dpop } }))
      const otherKey = (await at(await proof(await dpopKeys(), { htu: MCP, ath: hash }))) as Response
      expect(challenge(otherKey)).toMatch(/error="invalid_token"/)
      for (const dpop of [
        await proof(keys, { htu: 'https://mcp.example/other', ath: hash }),
        await proof(keys, { htu: MCP, htm: 'GET', ath: hash }),
      ]) {
        expect(challenge((await at(dpop)) as Response)).toMatch(/error="invalid_dpop_proof"/)
      }
    })

    it('RFC 9449 §7.1: a Bearer token presented under the DPoP scheme is refused', async () => {
      const s = dpopSetup()
      const server = await make(s)
      const reg = await register(s, { grant_types: ['client_credentials'] })
      const response = await oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, { scope: 'read', resource: MCP }, via(s))
      const token = (await oauth.processClientCredentialsResponse(as, reg.client, response)).access_token
      const keys = await dpopKeys()
      const dpop = await proof(keys, { htu: MCP, ath: await ath(token) })
      const refused = (await server.verify(
        new Request(MCP, { method: 'POST', headers: { authorization: `DPoP ${token}`, dpop } }),
      )) as Response
      expect(refused.status).toBe(401)
      expect(challenge(refused)).toMatch(/error="invalid_token"/)
      // The same Bearer token still works as Bearer.
      expect(await server.verify(new Request(MCP, { headers: { authorization: `Bearer ${token}` } }))).toMatchObject({
        client_id: reg.client.client_id,
      })
    })
  })
}

describe('DPoP at the provider itself', () => {
  it('RFC 9449 §9: with server nonces, the resource answers use_dpop_nonce (401, DPoP-Nonce) and oauth4webapi retries with it', async () => {
    const s = dpopSetup({ dpop: { nonce: true } })
    const server = createResourceServer({ resource: MCP, provider: s.provider })
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const DPoP = oauth.DPoP(reg.client, await dpopKeys())
    const token = await dpopToken(s, reg, DPoP).catch(async (error: unknown) => {
      if (!oauth.isDPoPNonceError(error)) throw error
      return dpopToken(s, reg, DPoP)
    })
    const request = () =>
      oauth.protectedResourceRequest(token, 'GET', new URL(MCP), new Headers(), null, { DPoP, [oauth.customFetch]: api(server) })
    // oauth4webapi keeps nonces per origin: the resource's first answer is a use_dpop_nonce challenge with one.
    const first = await request().catch((error: unknown) => error)
    expect(oauth.isDPoPNonceError(first)).toBe(true)
    expect((await request()).status).toBe(200)
  })

  it('RFC 9449 §7.2: with dpop.required no Bearer token is issued, so the resource offers DPoP alone, with its algs', async () => {
    const s = dpopSetup({ dpop: { required: true, algs: ['ES256', 'EdDSA'] } })
    const none = await s.provider.verifyAccessToken(new Request(MCP))
    expect(none).toBeInstanceOf(Response)
    expect((none as Response).headers.get('www-authenticate')).toBe(`DPoP realm="${ISSUER}", algs="ES256 EdDSA"`)
    const unknown = (await s.provider.verifyAccessToken(
      new Request(MCP, { headers: { authorization: 'Bearer gl_at_unknown' } }),
    )) as Response
    expect(unknown.status).toBe(401)
    expect(unknown.headers.get('www-authenticate')).toBe(
      `DPoP realm="${ISSUER}", error="invalid_token", error_description="the access token is invalid, expired or revoked", algs="ES256 EdDSA"`,
    )
  })

  it('RFC 9449 §7.1: the UserInfo endpoint accepts a DPoP token with a proof, and refuses it as Bearer', async () => {
    const s = dpopSetup({ oidc: { keyEncryptionKey: 'Jc1mYq7sV0xT4bN8kE2wR6uH9aL3pZ5dG1fO7iQ0tXs' } })
    const server: oauth.AuthorizationServer = {
      ...as,
      userinfo_endpoint: `${ISSUER}/userinfo/`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
    }
    const code = await register(s, { client_type: 'public' })
    const keys = await dpopKeys()
    const DPoP = oauth.DPoP(code.client, keys)
    const started = await begin(code.client, { scope: 'openid' })
    const callback = oauth.validateAuthResponse(
      as,
      code.client,
      location(await authorizeAs(s, s.users.signIn('user-1'), started.url)),
      started.state,
    )
    const tokenResponse = await oauth.authorizationCodeGrantRequest(
      as,
      code.client,
      code.auth,
      callback,
      started.redirectUri,
      started.verifier,
      {
        ...via(s),
        DPoP,
      },
    )
    const tokens = await oauth.processAuthorizationCodeResponse(server, code.client, tokenResponse)
    const info = await oauth.userInfoRequest(server, code.client, tokens.access_token, { ...via(s), DPoP })
    expect(info.status).toBe(200)
    expect(await info.json()).toMatchObject({ sub: 'user-1' })
    const asBearer = await s.provider.handle(
      new Request(`${ISSUER}/userinfo/`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
    )
    expect(asBearer.status).toBe(401)
    expect(challenge(asBearer)).toMatch(/^DPoP .*error="invalid_token"/)
  })
})
