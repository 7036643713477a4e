import { env } from 'cloudflare:test'
import * as oauth from 'oauth4webapi'
import { describe, expect, it, vi } from 'vitest'
import { consentFields, form, ISSUER, REDIRECT_URI, setupWorker, type WorkerSetup } from './worker-support.js'

async function discover(s: WorkerSetup): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(new URL(ISSUER), { ...s.via, algorithm: 'oidc' })
  return oauth.processDiscoveryResponse(new URL(ISSUER), response)
}

async function register(s: WorkerSetup, input: Parameters<WorkerSetup['admin']['clients']['create']>[0]) {
  const { client, client_secret } = await s.admin.clients.create(input)
  return { client: { client_id: client.client_id } as oauth.Client, auth: oauth.ClientSecretBasic(client_secret ?? '') }
}

/** The browser part of the code flow for alice: authorization request, consent page, approval. */
async function authorize(s: WorkerSetup, as: oauth.AuthorizationServer, client: oauth.Client, scope: string, expectConsent = true) {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(as.authorization_endpoint ?? '')
  for (const [name, value] of Object.entries({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })) {
    url.searchParams.set(name, value)
  }
  const cookie = s.users.signIn('user-1')
  const page = await s.call(url, { headers: { cookie } })
  // A consent that covers the scopes is reused (approval_prompt=auto): then there is no page.
  expect(page.status).toBe(expectConsent ? 200 : 302)
  const approval = expectConsent
    ? await s.call(`${ISSUER}/authorize/`, form({ ...consentFields(await page.text()), allow: 'Authorize' }, { cookie }))
    : page
  expect(approval.status).toBe(expectConsent ? 303 : 302)
  const params = oauth.validateAuthResponse(as, client, new URL(approval.headers.get('location') ?? ''), state)
  return { params, verifier }
}

describe('createWorker: the OAuth flows inside workerd, on D1 with the KV cache', () => {
  it('authorization code + PKCE through consent, userinfo, refresh, introspect, revoke (RFC 6749 §4.1, RFC 7636, RFC 7662, RFC 7009)', async () => {
    const s = await setupWorker()
    await s.cron() // the first signing key: never made inside a request on Workers
    const as = await discover(s)
    const app = await register(s, { client_name: 'App', redirect_uris: [REDIRECT_URI] })
    const api = await register(s, { client_name: 'API', grant_types: ['client_credentials'], introspection: true })

    const { params, verifier } = await authorize(s, as, app.client, 'openid read')
    const code = await oauth.authorizationCodeGrantRequest(as, app.client, app.auth, params, REDIRECT_URI, verifier, s.via)
    const tokens = await oauth.processAuthorizationCodeResponse(as, app.client, code, { requireIdToken: true })
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('user-1')
    expect(tokens.scope).toBe('openid read')

    const userinfo = await oauth.userInfoRequest(as, app.client, tokens.access_token, s.via)
    expect(await oauth.processUserInfoResponse(as, app.client, 'user-1', userinfo)).toMatchObject({ sub: 'user-1' })

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      app.client,
      await oauth.refreshTokenGrantRequest(as, app.client, app.auth, tokens.refresh_token ?? '', s.via),
    )
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    const replay = await oauth.refreshTokenGrantRequest(as, app.client, app.auth, tokens.refresh_token ?? '', s.via)
    await expect(oauth.processRefreshTokenResponse(as, app.client, replay)).rejects.toMatchObject({ error: 'invalid_grant' })

    // The replay revoked the whole grant (reuse detection): nothing of it is active any more.
    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(as, api.client, await oauth.introspectionRequest(as, api.client, api.auth, token, s.via))
    expect((await introspect(refreshed.access_token)).active).toBe(false)

    const again = await authorize(s, as, app.client, 'read', false)
    const second = await oauth.processAuthorizationCodeResponse(
      as,
      app.client,
      await oauth.authorizationCodeGrantRequest(as, app.client, app.auth, again.params, REDIRECT_URI, again.verifier, s.via),
    )
    expect(await introspect(second.access_token)).toMatchObject({
      active: true,
      client_id: app.client.client_id,
      sub: 'user-1',
      scope: 'read',
    })
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, app.client, app.auth, second.access_token, s.via))
    expect((await introspect(second.access_token)).active).toBe(false)
    expect((await introspect(second.refresh_token ?? '')).active).toBe(true)
  })

  it('client_credentials (RFC 6749 §4.4), introspected by a resource server', async () => {
    const s = await setupWorker()
    const as = await discover(s)
    const api = await register(s, { client_name: 'API', grant_types: ['client_credentials'], introspection: true })
    const response = await oauth.clientCredentialsGrantRequest(as, api.client, api.auth, new URLSearchParams({ scope: 'read' }), s.via)
    const { access_token, refresh_token } = await oauth.processClientCredentialsResponse(as, api.client, response)
    expect(refresh_token).toBeUndefined()
    const introspection = await oauth.processIntrospectionResponse(
      as,
      api.client,
      await oauth.introspectionRequest(as, api.client, api.auth, access_token, s.via),
    )
    expect(introspection).toMatchObject({ active: true, client_id: api.client.client_id, scope: 'read' })
    expect(introspection.sub).toBeUndefined()
  })

  it('fills the KV cache with the client after the response (waitUntil), never with a decision', async () => {
    const s = await setupWorker()
    const as = await discover(s)
    const api = await register(s, { client_name: 'API', grant_types: ['client_credentials'] })
    await oauth.processClientCredentialsResponse(
      as,
      api.client,
      await oauth.clientCredentialsGrantRequest(as, api.client, api.auth, new URLSearchParams(), s.via),
    )
    await vi.waitFor(async () => {
      const { keys } = await env.CACHE.list({ prefix: s.cachePrefix })
      expect(keys.map((key) => key.name.slice(s.cachePrefix.length).split(':')[0])).toEqual(['client'])
    })
  })

  it('refuses oidc.createKeysOnDemand: keys come from scheduled(), wrangler or the CLI', async () => {
    const s = await setupWorker({ oidc: { keyEncryptionKey: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', createKeysOnDemand: true } })
    await expect(s.call(`${ISSUER}/.well-known/jwks.json`)).rejects.toMatchObject({ code: 'ERR_WORKERS_KEYS_ON_DEMAND' })
  })
})
