import { memoryStorage, type ProviderConfig, type Storage } from '@grantline/core'
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { expect } from 'vitest'
import { begin, location, redeem, register, via } from '../../e2e/support.js'
import { authorizeAs, ISSUER, setup } from '../../support/provider.js'
import { KEY_ENCRYPTION_KEY } from '../authorize/support.js'

export { ISSUER, KEY_ENCRYPTION_KEY }

export const JWKS_URI = `${ISSUER}/.well-known/jwks.json`

type OidcOptions = NonNullable<ProviderConfig['oidc']>

/**
 * A provider with OpenID Connect on memory storage (or the one given), its fake clock at the real
 * time: the relying party (oauth4webapi) is told how far a test moves it (its clockSkew).
 */
export function keysSetup(oidc: Partial<OidcOptions> = {}, config: Partial<ProviderConfig> = {}, storage: Storage = memoryStorage()) {
  const s = setup({ oidc: { keyEncryptionKey: KEY_ENCRYPTION_KEY, ...oidc }, ...config }, storage)
  s.clock.set(Math.floor(Date.now() / 1000) * 1000)
  return s
}

export type KeysSetup = ReturnType<typeof keysSetup>

/** The provider's clock, in epoch seconds. */
export const nowOf = (s: KeysSetup) => Math.floor(s.clock.now() / 1000)

/** The published key set (RFC 7517) and its response. */
export async function fetchJwks(s: { fetch: KeysSetup['fetch'] }): Promise<{ response: Response; jwks: JSONWebKeySet }> {
  const response = await s.fetch(JWKS_URI)
  expect(response.status).toBe(200)
  return { response, jwks: (await response.clone().json()) as JSONWebKeySet }
}

export async function publishedKids(s: { fetch: KeysSetup['fetch'] }): Promise<string[]> {
  return (await fetchJwks(s)).jwks.keys.map((key) => key.kid as string).sort()
}

export const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid as string

/** Verifies a JWT as a relying party does: jose over the JWKS the provider publishes now, on its clock. */
export async function verifyThroughJwks(s: KeysSetup, jwt: string, audience: string): Promise<JWTPayload> {
  const { jwks } = await fetchJwks(s)
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: ISSUER, audience, currentDate: new Date(s.clock.now()) })
  return payload
}

/**
 * A relying party signed in through the code flow (scope openid) with oauth4webapi. Each
 * `freshIdToken()` refreshes the grant (OIDC Core §12.2) to get an ID Token signed now.
 */
export async function signedInRp(s: KeysSetup) {
  const issuer = new URL(ISSUER)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...via(s) }))
  const reg = await register(s, { skip_authorization: true })
  const syncClock = () => {
    reg.client[oauth.clockSkew] = Math.round((s.clock.now() - Date.now()) / 1000)
  }
  syncClock()
  const started = await begin(reg.client, { scope: 'openid' }, as)
  let tokens = await redeem(s, reg, started, location(await authorizeAs(s, s.users.signIn('user-1'), started.url)), as)
  return {
    clientId: reg.client.client_id,
    /** The ID Token of the code redemption. */
    firstIdToken: tokens.id_token!,
    async freshIdToken(): Promise<string> {
      syncClock()
      const response = await oauth.refreshTokenGrantRequest(as, reg.client, reg.auth, tokens.refresh_token!, via(s))
      tokens = await oauth.processRefreshTokenResponse(as, reg.client, response)
      return tokens.id_token!
    },
  }
}
