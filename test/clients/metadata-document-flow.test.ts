import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { as, introspect, location, register, via } from '../e2e/support.js'
import { consentFields, form, ISSUER, setup } from '../support/provider.js'
import { CLIENT_ID, documentFor, jsonResponse } from './metadata-document-support.js'

const REDIRECT = 'http://127.0.0.1:3000/callback'
const MCP = 'https://mcp.example/mcp'

/** A provider that reads Client ID Metadata Documents through a fetch that serves `document`. */
function withDocuments(document: Record<string, unknown> = documentFor()) {
  const fetched: string[] = []
  const s = setup({
    resources: [{ uri: MCP, name: 'Tools' }],
    clientIdMetadataDocuments: {},
    fetch: (async (input: string | URL | Request) => {
      fetched.push(String(input))
      return String(input) === CLIENT_ID ? jsonResponse(document) : new Response('not found', { status: 404 })
    }) as typeof fetch,
  })
  return { s, fetched }
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
      new Request(`${ISSUER}/token/`, form({ grant_type: 'authorization_code', code: 'gl_ac_x', client_id: CLIENT_ID, code_verifier: 'x'.repeat(43) })),
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('the feature is off unless configured: a URL client_id is then an unknown client and nothing is fetched', async () => {
    const fetched: string[] = []
    const s = setup({ fetch: (async (input: string | URL | Request) => (fetched.push(String(input)), jsonResponse(documentFor()))) as typeof fetch })
    const url = await authorizationUrl(CLIENT_ID, oauth.generateRandomCodeVerifier(), 'st')
    url.searchParams.delete('resource')
    const response = await s.provider.handle(new Request(url, { headers: { cookie: s.users.signIn('user-1') } }))
    expect(response.status).toBe(400)
    expect(fetched).toStrictEqual([])
  })
})
