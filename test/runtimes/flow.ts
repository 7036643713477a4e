import * as oauth from 'oauth4webapi'
import { expect } from 'vitest'
import type { RuntimeServer } from './harness.js'
import { REDIRECT_URI, TEST_USER } from './servers/fixture.js'

/** Plain http is allowed only because every server here is on loopback. */
const HTTP = { [oauth.allowInsecureRequests]: true } as const

function hiddenField(html: string, name: string): string {
  const value = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1]
  if (value === undefined) throw new Error(`the consent page has no hidden "${name}" field:\n${html.slice(0, 2000)}`)
  return value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
}

/**
 * The signed-in user's browser: the authorization request, then the consent page and "Authorize";
 * or, once the user approved these scopes, straight back to the client (DOT's approval_prompt=auto).
 */
async function authorize(server: RuntimeServer, url: URL, consentPage: boolean): Promise<URL> {
  const headers = { cookie: server.cookie }
  const page = await fetch(url, { headers, redirect: 'manual' })
  if (!consentPage) {
    expect(page.status, 'the stored consent is reused').toBe(302)
    return new URL(page.headers.get('location') as string)
  }
  expect(page.status, `the consent page (location: ${page.headers.get('location')})`).toBe(200)
  const html = await page.text()
  const action = new URL(/<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '/o/authorize/', server.origin)
  const decision = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ interaction: hiddenField(html, 'interaction'), csrf: hiddenField(html, 'csrf'), allow: 'Authorize' }),
  })
  expect(decision.status, 'the consent decision').toBe(303)
  return new URL(decision.headers.get('location') as string)
}

/**
 * The smoke flow every runtime must pass, driven by oauth4webapi in Node over real HTTP:
 * RFC 8414 metadata, the code flow with S256 PKCE (RFC 6749 §4.1, RFC 7636) through the consent
 * page, introspection (RFC 7662), refresh rotation with reuse detection (RFC 9700 §4.14.2),
 * revocation (RFC 7009) and client_credentials (RFC 6749 §4.4).
 */
export async function smokeFlow(server: RuntimeServer): Promise<void> {
  const issuer = new URL(server.issuer)
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...HTTP, algorithm: 'oauth2' }))
  expect(as.token_endpoint).toBe(`${server.issuer}/token/`)
  const web = { client: { client_id: server.web.client_id }, auth: oauth.ClientSecretBasic(server.web.client_secret) }
  const machine = { client: { client_id: server.machine.client_id }, auth: oauth.ClientSecretBasic(server.machine.client_secret) }
  const introspect = async (c: typeof web, token: string) =>
    oauth.processIntrospectionResponse(as, c.client, await oauth.introspectionRequest(as, c.client, c.auth, token, HTTP))
  const refresh = async (token: string) =>
    oauth.processRefreshTokenResponse(as, web.client, await oauth.refreshTokenGrantRequest(as, web.client, web.auth, token, HTTP))

  // Authorization code with S256 PKCE through the consent page.
  const codeFlow = async (consentPage: boolean) => {
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const url = new URL(as.authorization_endpoint as string)
    url.search = new URLSearchParams({
      client_id: web.client.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'read write',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    const redirect = await authorize(server, url, consentPage)
    expect(redirect.searchParams.get('iss')).toBe(server.issuer)
    const params = oauth.validateAuthResponse(as, web.client, redirect, state)
    const response = await oauth.authorizationCodeGrantRequest(as, web.client, web.auth, params, REDIRECT_URI, verifier, HTTP)
    return oauth.processAuthorizationCodeResponse(as, web.client, response)
  }
  const tokens = await codeFlow(true)
  expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read write' })
  expect(tokens.refresh_token).toMatch(/^gl_rt_/)
  expect(await introspect(web, tokens.access_token)).toMatchObject({
    active: true,
    sub: TEST_USER.sub,
    username: TEST_USER.username,
    client_id: web.client.client_id,
  })

  // Refresh rotates; the old refresh token presented again is a reuse that ends the grant.
  const next = await refresh(tokens.refresh_token as string)
  expect(next.refresh_token).not.toBe(tokens.refresh_token)
  expect(await introspect(web, next.access_token)).toMatchObject({ active: true, sub: TEST_USER.sub })
  await expect(refresh(tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })
  expect(await introspect(web, next.access_token)).toStrictEqual({ active: false })

  // A second grant, on the consent already given; revoking its refresh token ends its access
  // token too (RFC 7009 §2.1).
  const again = await codeFlow(false)
  expect(await introspect(web, again.access_token)).toMatchObject({ active: true })
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, web.client, web.auth, again.refresh_token as string, HTTP))
  expect(await introspect(web, again.access_token)).toStrictEqual({ active: false })
  await expect(refresh(again.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' })

  // client_credentials: a token for the client itself, no refresh token, no user.
  const cc = await oauth.processClientCredentialsResponse(
    as,
    machine.client,
    await oauth.clientCredentialsGrantRequest(as, machine.client, machine.auth, {}, HTTP),
  )
  expect(cc).toMatchObject({ token_type: 'bearer', scope: 'read' })
  expect(cc.refresh_token).toBeUndefined()
  const info = await introspect(machine, cc.access_token)
  expect(info).toMatchObject({ active: true, client_id: machine.client.client_id, scope: 'read' })
  expect(info.sub).toBeUndefined()
  // RFC 7662 §2.2: another client learns nothing about the web app's token.
  expect(await introspect(machine, tokens.access_token)).toStrictEqual({ active: false })
}
