import { createResourceServer } from '@grantline/resource-server'
import { generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { consentFields, form, ISSUER, REDIRECT_URI, setupWorker, type WorkerSetup } from './worker-support.js'

const MCP = 'https://mcp.example/mcp'

/** The Worker on the real clock (proofs carry the client's time), with one resource. */
async function dpopWorker() {
  const s = await setupWorker({ now: () => Date.now(), resources: [{ uri: MCP }], dpop: { nonce: true } })
  await s.cron()
  const as = await oauth.processDiscoveryResponse(
    new URL(ISSUER),
    await oauth.discoveryRequest(new URL(ISSUER), { ...s.via, algorithm: 'oidc' }),
  )
  return { s, as }
}

/** Runs a request, once more when the server asks for a nonce (RFC 9449 §8), as oauth4webapi documents. */
async function withNonceRetry<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt()
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error
    return attempt()
  }
}

async function code(s: WorkerSetup, as: oauth.AuthorizationServer, client: oauth.Client) {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const url = new URL(as.authorization_endpoint ?? '')
  for (const [name, value] of Object.entries({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: 'read',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })) {
    url.searchParams.set(name, value)
  }
  const cookie = s.users.signIn('user-1')
  const page = await s.call(url, { headers: { cookie } })
  const approval = await s.call(`${ISSUER}/authorize/`, form({ ...consentFields(await page.text()), allow: 'Authorize' }, { cookie }))
  return { params: oauth.validateAuthResponse(as, client, new URL(approval.headers.get('location') ?? ''), state), verifier }
}

describe('DPoP (RFC 9449) inside workerd, on D1 with the KV cache', () => {
  it('RFC 9449 §5, §7: client_credentials with oauth4webapi DPoP (nonce retry), then a protected resource request through @grantline/resource-server', async () => {
    const { s, as } = await dpopWorker()
    expect(as.dpop_signing_alg_values_supported).toEqual(['ES256', 'RS256', 'PS256', 'EdDSA'])
    const { client: registered, client_secret } = await s.admin.clients.create({
      client_name: 'Agent',
      grant_types: ['client_credentials'],
      introspection: true,
    })
    const client: oauth.Client = { client_id: registered.client_id }
    const auth = oauth.ClientSecretBasic(client_secret ?? '')
    const DPoP = oauth.DPoP(client, await generateKeyPair('ES256'))
    const tokens = await withNonceRetry(async () =>
      oauth.processClientCredentialsResponse(
        as,
        client,
        await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read', resource: MCP }, { ...s.via, DPoP }),
      ),
    )
    expect(tokens.token_type).toBe('dpop')

    const resource = createResourceServer({
      resource: MCP,
      introspection: { endpoint: `${ISSUER}/introspect/`, clientId: registered.client_id, clientSecret: client_secret ?? '' },
      authorizationServers: [ISSUER],
      fetch: s.call,
    })
    const api = async (input: string, init?: object) => {
      const access = await resource.verify(new Request(input, init as RequestInit))
      return access instanceof Response ? access : Response.json(access)
    }
    const response = await oauth.protectedResourceRequest(tokens.access_token, 'POST', new URL(MCP), new Headers(), null, {
      DPoP,
      [oauth.customFetch]: api,
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ client_id: registered.client_id, audience: [MCP] })
    // RFC 9449 §7.1: the same token as Bearer is refused.
    const asBearer = await api(MCP, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    expect(asBearer.status).toBe(401)
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token"/)
  })

  it("RFC 9449 §5: a public client's code flow and refresh with oauth4webapi DPoP; another key cannot refresh", async () => {
    const { s, as } = await dpopWorker()
    const { client: registered } = await s.admin.clients.create({
      client_name: 'App',
      client_type: 'public',
      redirect_uris: [REDIRECT_URI],
    })
    const client: oauth.Client = { client_id: registered.client_id }
    const DPoP = oauth.DPoP(client, await generateKeyPair('ES256'))
    const { params, verifier } = await code(s, as, client)
    const tokens = await withNonceRetry(async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, { ...s.via, DPoP }),
      ),
    )
    expect(tokens.token_type).toBe('dpop')
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token ?? '', { ...s.via, DPoP }),
    )
    expect(refreshed.token_type).toBe('dpop')
    const other = oauth.DPoP(client, await generateKeyPair('ES256'))
    const stolen = withNonceRetry(async () =>
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token ?? '', { ...s.via, DPoP: other }),
      ),
    )
    await expect(stolen).rejects.toMatchObject({ error: 'invalid_grant' })
  })
})
