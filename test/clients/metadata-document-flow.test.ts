import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, introspect, location, register, via } from '../e2e/support.js'
import { consentFields, form, ISSUER, setup } from '../support/provider.js'
import { CLIENT_ID, documentFor, jsonResponse } from './metadata-document-support.js'

const REDIRECT = 'http://127.0.0.1:3000/callback'
const MCP = 'https://mcp.example/mcp'

const JWKS_URI = 'https://app.example.com/jwks.json'

/** A provider that reads Client ID Metadata Documents through a fetch that serves `document` (and `jwks` at JWKS_URI). */
function withDocuments(document: Record<string, unknown> = documentFor(), jwks?: unknown) {
  const fetched: string[] = []
  const s = setup({
    resources: [{ uri: MCP, name: 'Tools' }],
    clientIdMetadataDocuments: {},
    fetch: (async (input: string | URL | Request) => {
      fetched.push(String(input))
      if (String(input) === CLIENT_ID) return jsonResponse(document)
      return String(input) === JWKS_URI && jwks ? jsonResponse(jwks) : new Response('not found', { status: 404 })
    }) as typeof fetch,
  })
  return { s, fetched }
}

/** Signs in, consents and answers the authorization response, as the user's browser would. */
async function authorize(s: ReturnType<typeof setup>, verifier: string, state: string) {
  const cookie = s.users.signIn('user-1')
  const page = await s.provider.handle(new Request(await authorizationUrl(CLIENT_ID, verifier, state), { headers: { cookie } }))
  expect(page.status).toBe(200)
  const { headers, ...init } = form({ ...consentFields(await page.text()), allow: 'Authorize' })
  const decided = await s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie } }))
  return oauth.validateAuthResponse(as, { client_id: CLIENT_ID }, location(decided, REDIRECT), state)
}

async function authorizationUrl(clientId: string, verifier: string, state: string) {
  const url = new URL(`${ISSUER}/authorize/`)
  url.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'read',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    resource: MCP,
  }).toString()
  return url
}

describe('Client ID Metadata Documents in the code flow', () => {
  it('draft-ietf-oauth-client-id-metadata-document §4: a client named by its document URL completes the code flow with PKCE and a resource, as a public client', async () => {
    const { s, fetched } = withDocuments()
    const cookie = s.users.signIn('user-1')
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const page = await s.provider.handle(new Request(await authorizationUrl(CLIENT_ID, verifier, state), { headers: { cookie } }))
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Example MCP Client')
    // The document's host is the application's identity on the consent page.
    expect(html).toContain('app.example.com')
    // Naming a document stores nothing; the grant below does.
    expect(await s.storage.getClient(CLIENT_ID)).toBeNull()
    const { headers, ...init } = form({ ...consentFields(html), allow: 'Authorize' })
    const decided = await s.provider.handle(new Request(`${ISSUER}/authorize/`, { ...init, headers: { ...headers, cookie } }))
    const client = { client_id: CLIENT_ID }
    const params = oauth.validateAuthResponse(as, client, location(decided, REDIRECT), state)
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, {
      ...via(s),
      additionalParameters: { resource: MCP },
    })
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
    expect(tokens.refresh_token).toBeDefined()
    const api = await register(s, { grant_types: ['client_credentials'], introspection: true })
    expect(await introspect(s, api, tokens.access_token)).toMatchObject({ active: true, client_id: CLIENT_ID, aud: MCP, sub: 'user-1' })
    // One fetch served the authorization request, the decision and the token request (the cache).
    expect(fetched).toStrictEqual([CLIENT_ID])
  })

  it('draft-ietf-oauth-client-id-metadata-document §4.1, RFC 7523 §2.2: a document client with private_key_jwt and jwks_uri redeems its code and refreshes with oauth4webapi assertions', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'doc-key' }
    const { s, fetched } = withDocuments(documentFor({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: JWKS_URI }), {
      keys: [jwk],
    })
    // oauth4webapi dates its assertions by the real clock.
    s.clock.set(Date.now())
    const client = { client_id: CLIENT_ID }
    const auth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'doc-key' })
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const params = await authorize(s, verifier, state)
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, {
      ...via(s),
      additionalParameters: { resource: MCP },
    })
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
    const refreshed = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, via(s))
    expect(await oauth.processRefreshTokenResponse(as, client, refreshed)).toMatchObject({ token_type: 'bearer' })
    expect(await s.storage.getClient(CLIENT_ID)).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      client_type: 'confidential',
    })
    expect(fetched).toStrictEqual([CLIENT_ID, JWKS_URI])
  })

  it('RFC 7523 §2.2: a document client with private_key_jwt cannot use the token endpoint as a public client, nor with another key', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true })
    const other = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'doc-key' }
    const { s } = withDocuments(documentFor({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }))
    s.clock.set(Date.now())
    const client = { client_id: CLIENT_ID }
    for (const auth of [oauth.None(), oauth.PrivateKeyJwt({ key: other.privateKey, kid: 'doc-key' })]) {
      const verifier = oauth.generateRandomCodeVerifier()
      const state = oauth.generateRandomState()
      const params = await authorize(s, verifier, state)
      const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, via(s))
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: 'invalid_client' })
    }
  })

  it('draft-ietf-oauth-client-id-metadata-document §4.1: a document whose client_id differs is refused on a local page, never redirected', async () => {
    const { s } = withDocuments(documentFor({ client_id: 'https://evil.example/client.json' }))
    const url = await authorizationUrl(CLIENT_ID, oauth.generateRandomCodeVerifier(), 'st')
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
  })

  it('draft-ietf-oauth-client-id-metadata-document §4: a redirect URI the document does not list is refused on a local page', async () => {
    const { s } = withDocuments()
    const url = await authorizationUrl(CLIENT_ID, oauth.generateRandomCodeVerifier(), 'st')
    url.searchParams.set('redirect_uri', 'https://evil.example/cb')
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
  })

  it('RFC 6749 §5.2: at the token endpoint a refused document is an unknown client (invalid_client), counted like any failed authentication', async () => {
    const { s } = withDocuments(documentFor({ client_id: 'https://evil.example/client.json' }))
    const response = await s.provider.handle(
      new Request(
        `${ISSUER}/token/`,
        form({ grant_type: 'authorization_code', code: 'gl_ac_x', client_id: CLIENT_ID, code_verifier: 'x'.repeat(43) }),
      ),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('the feature is off unless configured: a URL client_id is then an unknown client and nothing is fetched', async () => {
    const fetched: string[] = []
    const s = setup({
      fetch: (async (input: string | URL | Request) => {
        fetched.push(String(input))
        return jsonResponse(documentFor())
      }) as typeof fetch,
    })
    const url = await authorizationUrl(CLIENT_ID, oauth.generateRandomCodeVerifier(), 'st')
    url.searchParams.delete('resource')
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(response.status).toBe(400)
    expect(fetched).toStrictEqual([])
  })
})
