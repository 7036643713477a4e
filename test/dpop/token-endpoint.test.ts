import type { ProviderConfig } from '@grantline/core'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, begin, location, type Registered, register, via } from '../e2e/support.js'
import { authorizeAs, setup } from '../support/provider.js'
import { ath, dpopKeys, proof, thumbprint } from './support.js'

/** A provider on the real clock (proofs carry the client's time); user sessions start now too. */
function dpopSetup(overrides: Partial<ProviderConfig> = {}) {
  const s = setup({ now: () => Date.now(), ...overrides })
  s.clock.set(Date.now())
  return s
}

type S = ReturnType<typeof dpopSetup>

async function clientCredentials(s: S, reg: Registered, DPoP?: oauth.DPoPHandle) {
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    reg.client,
    reg.auth,
    { scope: 'read' },
    { ...via(s), ...(DPoP ? { DPoP } : {}) },
  )
  return oauth.processClientCredentialsResponse(as, reg.client, response)
}

async function introspectAs(s: S, reg: Registered, token: string) {
  const response = await oauth.introspectionRequest(as, reg.client, reg.auth, token, via(s))
  return oauth.processIntrospectionResponse(as, reg.client, response)
}

/** The code flow of a signed-in user with a DPoP key, `dpop_jkt` in the authorization request when asked. */
async function dpopCodeFlow(s: S, reg: Registered, DPoP: oauth.DPoPHandle | undefined, params: Record<string, string> = {}) {
  const started = await begin(reg.client, { scope: 'read', ...params })
  const redirect = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
  const callback = oauth.validateAuthResponse(as, reg.client, redirect, started.state)
  const response = await oauth.authorizationCodeGrantRequest(as, reg.client, reg.auth, callback, started.redirectUri, started.verifier, {
    ...via(s),
    ...(DPoP ? { DPoP } : {}),
  })
  return oauth.processAuthorizationCodeResponse(as, reg.client, response)
}

async function refreshWith(s: S, reg: Registered, refreshToken: string, DPoP?: oauth.DPoPHandle) {
  const response = await oauth.refreshTokenGrantRequest(as, reg.client, reg.auth, refreshToken, { ...via(s), ...(DPoP ? { DPoP } : {}) })
  return oauth.processRefreshTokenResponse(as, reg.client, response)
}

describe('DPoP at the token endpoint (RFC 9449, oauth4webapi)', () => {
  it('RFC 9449 §5: client_credentials with a proof gives token_type DPoP; introspection names the key (§6.2)', async () => {
    const s = dpopSetup()
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const keys = await dpopKeys()
    const tokens = await clientCredentials(s, reg, oauth.DPoP(reg.client, keys))
    expect(tokens.token_type).toBe('dpop')
    const info = await introspectAs(s, reg, tokens.access_token)
    expect(info).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: await thumbprint(keys) } })
  })

  it('RFC 9449 §5: without a proof the token is a Bearer token with no cnf', async () => {
    const s = dpopSetup()
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const tokens = await clientCredentials(s, reg)
    expect(tokens.token_type).toBe('bearer')
    const info = await introspectAs(s, reg, tokens.access_token)
    expect(info.token_type).toBe('Bearer')
    expect(info.cnf).toBeUndefined()
  })

  it("RFC 9449 §5: a public client's refresh token is bound to its key, and refreshes only with it", async () => {
    const s = dpopSetup()
    const reg = await register(s, { client_type: 'public' })
    const keys = await dpopKeys()
    const DPoP = oauth.DPoP(reg.client, keys)
    const tokens = await dpopCodeFlow(s, reg, DPoP)
    expect(tokens.token_type).toBe('dpop')
    const next = await refreshWith(s, reg, tokens.refresh_token!, DPoP)
    expect(next.token_type).toBe('dpop')
    const info = await introspectAs(s, reg, next.access_token)
    expect(info.cnf).toEqual({ jkt: await thumbprint(keys) })

    // §5: another key, or no proof at all, cannot use the bound refresh token.
    const other = oauth.DPoP(reg.client, await dpopKeys())
    await expect(refreshWith(s, reg, next.refresh_token!, other)).rejects.toMatchObject({ error: 'invalid_grant' })
    await expect(refreshWith(s, reg, next.refresh_token!)).rejects.toMatchObject({ error: 'invalid_dpop_proof' })
    // Refused before use: the right key still refreshes.
    expect((await refreshWith(s, reg, next.refresh_token!, DPoP)).token_type).toBe('dpop')
  })

  it("RFC 9449 §5: a confidential client's refresh token is not bound; the new access token is bound to the proof used at refresh", async () => {
    const s = dpopSetup()
    const reg = await register(s, {})
    const first = await dpopKeys()
    const tokens = await dpopCodeFlow(s, reg, oauth.DPoP(reg.client, first))
    const second = await dpopKeys()
    const next = await refreshWith(s, reg, tokens.refresh_token!, oauth.DPoP(reg.client, second))
    expect(next.token_type).toBe('dpop')
    expect((await introspectAs(s, reg, next.access_token)).cnf).toEqual({ jkt: await thumbprint(second) })
    // Without a proof the confidential client gets a Bearer token.
    const bearer = await refreshWith(s, reg, next.refresh_token!)
    expect(bearer.token_type).toBe('bearer')
  })

  it('RFC 9449 §10: dpop_jkt binds the code; only a proof by that key redeems it', async () => {
    const s = dpopSetup()
    const reg = await register(s, { client_type: 'public' })
    const keys = await dpopKeys()
    const jkt = await thumbprint(keys)
    const tokens = await dpopCodeFlow(s, reg, oauth.DPoP(reg.client, keys), { dpop_jkt: jkt })
    expect(tokens.token_type).toBe('dpop')
    await expect(dpopCodeFlow(s, reg, oauth.DPoP(reg.client, await dpopKeys()), { dpop_jkt: jkt })).rejects.toMatchObject({
      error: 'invalid_grant',
    })
    await expect(dpopCodeFlow(s, reg, undefined, { dpop_jkt: jkt })).rejects.toMatchObject({ error: 'invalid_dpop_proof' })
  })

  it('RFC 9449 §10: a malformed dpop_jkt is invalid_request, sent back to the client', async () => {
    const s = dpopSetup()
    const reg = await register(s, { client_type: 'public' })
    const started = await begin(reg.client, { dpop_jkt: 'not a thumbprint' })
    const redirect = location(await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } })))
    expect(redirect.searchParams.get('error')).toBe('invalid_request')
  })

  it('RFC 9449 §5.2: a client registered with dpop_bound_access_tokens is refused without a proof', async () => {
    const s = dpopSetup()
    const reg = await register(s, { grant_types: ['client_credentials'], dpop_bound_access_tokens: true })
    await expect(clientCredentials(s, reg)).rejects.toMatchObject({ error: 'invalid_dpop_proof', status: 400 })
    expect((await clientCredentials(s, reg, oauth.DPoP(reg.client, await dpopKeys()))).token_type).toBe('dpop')
  })

  it('RFC 9449 §5.2: an access token from the authorization endpoint (implicit) is refused to a client that wants bound tokens only', async () => {
    for (const [overrides, input] of [
      [{ dpop: { required: true } }, {}],
      [{}, { dpop_bound_access_tokens: true }],
    ] as const) {
      const s = dpopSetup({ grantTypes: ['authorization_code', 'implicit'], ...overrides })
      const reg = await register(s, { grant_types: ['implicit'], response_types: ['token'], ...input })
      const started = await begin(reg.client, { response_type: 'token' })
      started.url.searchParams.delete('code_challenge')
      started.url.searchParams.delete('code_challenge_method')
      const redirect = location(await s.provider.handle(new Request(started.url, { headers: { cookie: s.users.signIn('user-1') } })))
      expect(new URLSearchParams(redirect.hash.slice(1)).get('error')).toBe('unauthorized_client')
    }
  })

  it('dpop.required refuses every token request without a proof', async () => {
    const s = dpopSetup({ dpop: { required: true } })
    const reg = await register(s, { grant_types: ['client_credentials'] })
    await expect(clientCredentials(s, reg)).rejects.toMatchObject({ error: 'invalid_dpop_proof' })
  })

  it('RFC 9449 §8: with server nonces, the first proof gets use_dpop_nonce and DPoP-Nonce; the retry with the nonce succeeds', async () => {
    const s = dpopSetup({ dpop: { nonce: true } })
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const DPoP = oauth.DPoP(reg.client, await dpopKeys())
    const error = await clientCredentials(s, reg, DPoP).catch((e: unknown) => e)
    expect(oauth.isDPoPNonceError(error)).toBe(true)
    expect(error).toMatchObject({ status: 400 })
    const response = await oauth.clientCredentialsGrantRequest(as, reg.client, reg.auth, { scope: 'read' }, { ...via(s), DPoP })
    expect(response.headers.get('dpop-nonce')).toMatch(/^[\w-]{43}$/)
    expect((await oauth.processClientCredentialsResponse(as, reg.client, response)).token_type).toBe('dpop')
  })

  it('RFC 9068 with RFC 9449 §6.1: a JWT access token carries cnf.jkt, and oauth4webapi validates it with a proof by that key', async () => {
    const MCP = 'https://mcp.example/mcp'
    const s = dpopSetup({
      oidc: { keyEncryptionKey: 'Jc1mYq7sV0xT4bN8kE2wR6uH9aL3pZ5dG1fO7iQ0tXs', signingAlg: 'ES256' },
      resources: [{ uri: MCP, accessToken: { format: 'jwt' } }],
    })
    const reg = await register(s, { grant_types: ['client_credentials'] })
    const keys = await dpopKeys()
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      reg.client,
      reg.auth,
      { scope: 'read', resource: MCP },
      { ...via(s), DPoP: oauth.DPoP(reg.client, keys) },
    )
    const tokens = await oauth.processClientCredentialsResponse(as, reg.client, response)
    expect(tokens.token_type).toBe('dpop')
    const dpop = await proof(keys, { htm: 'GET', htu: MCP, ath: await ath(tokens.access_token) })
    const request = new Request(MCP, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop } })
    const server: oauth.AuthorizationServer = { ...as, jwks_uri: `${as.issuer}/.well-known/jwks.json` }
    const claims = await oauth.validateJwtAccessToken(server, request, MCP, via(s))
    expect(claims.cnf).toEqual({ jkt: await thumbprint(keys) })
    // The same token as Bearer is refused by the client library as well (RFC 9449 §7.1).
    const asBearer = new Request(MCP, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    await expect(oauth.validateJwtAccessToken(server, asBearer, MCP, via(s))).rejects.toThrow()
  })
})
