import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { authorizeAs, ISSUER, REDIRECT_URI, setup } from '../support/provider.js'
import { as, introspect, location, type Registered, register, type Started, via } from './support.js'

const par: oauth.AuthorizationServer = { ...as, pushed_authorization_request_endpoint: `${ISSUER}/par/` }

/** Pushes an authorization request with S256 PKCE (RFC 9126 §2.1) as oauth4webapi does, and builds the URL that names it (§4). */
async function push(s: ReturnType<typeof setup>, reg: Registered, params: Record<string, string> = {}, DPoP?: oauth.DPoPHandle) {
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const response = await oauth.pushedAuthorizationRequest(
    par,
    reg.client,
    reg.auth,
    {
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...params,
    },
    { ...via(s), ...(DPoP ? { DPoP } : {}) },
  )
  const raw = response.clone()
  const pushed = await oauth.processPushedAuthorizationResponse(par, reg.client, response)
  const url = new URL(par.authorization_endpoint!)
  url.searchParams.set('client_id', reg.client.client_id)
  url.searchParams.set('request_uri', pushed.request_uri)
  const started: Started = { url, verifier, state, redirectUri: REDIRECT_URI }
  return { raw, pushed, started }
}

async function redeem(s: ReturnType<typeof setup>, reg: Registered, started: Started, redirect: URL, DPoP?: oauth.DPoPHandle) {
  const params = oauth.validateAuthResponse(par, reg.client, redirect, started.state)
  const response = await oauth.authorizationCodeGrantRequest(par, reg.client, reg.auth, params, REDIRECT_URI, started.verifier, {
    ...via(s),
    ...(DPoP ? { DPoP } : {}),
  })
  return oauth.processAuthorizationCodeResponse(par, reg.client, response)
}

describe('pushed authorization requests (RFC 9126) with oauth4webapi', () => {
  it('RFC 9126 §2, §4: a confidential client pushes its request, the user approves it by request_uri, the code is redeemed with PKCE', async () => {
    const s = setup()
    const reg = await register(s, { client_name: 'Pushing App' })
    const { raw, pushed, started } = await push(s, reg, { scope: 'read' })

    // §2.2: 201, a URN with a random part, its lifetime, not cacheable.
    expect(raw.status).toBe(201)
    expect(raw.headers.get('cache-control')).toBe('no-store')
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/)
    expect(pushed.expires_in).toBe(60)

    // The consent page names the client (the request_uri is consumed here, at its first use).
    let consentPage = ''
    const seen: typeof s = {
      ...s,
      provider: {
        ...s.provider,
        handle: async (request: Request) => {
          const response = await s.provider.handle(request)
          if (request.method === 'GET') consentPage = await response.clone().text()
          return response
        },
      },
    }
    const landed = location(await authorizeAs(seen, s.users.signIn('user-1'), started.url))
    expect(consentPage).toContain('Pushing App')
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT_URI)
    expect(landed.searchParams.get('iss')).toBe(ISSUER)
    const tokens = await redeem(s, reg, started, landed)
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read' })
    expect(await introspect(s, reg, tokens.access_token)).toMatchObject({ active: true, sub: 'user-1', scope: 'read' })
  })

  it('RFC 9126 §2: a public client (token_endpoint_auth_method none) may push too', async () => {
    const s = setup()
    const reg = await register(s, { client_type: 'public' })
    const { raw, started } = await push(s, reg)
    expect(raw.status).toBe(201)
    const tokens = await redeem(s, reg, started, location(await authorizeAs(s, s.users.signIn('user-1'), started.url)))
    expect(tokens.access_token).toMatch(/^gl_at_/)
  })

  it('RFC 9126 §4: only what was pushed counts; the query parameters besides client_id are ignored', async () => {
    const s = setup()
    const reg = await register(s)
    const { started } = await push(s, reg, { scope: 'read' })
    started.url.searchParams.set('scope', 'read write')
    started.url.searchParams.set('redirect_uri', 'https://evil.example/cb')
    started.url.searchParams.set('state', 'forged')
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT_URI)
    expect(landed.searchParams.get('state')).toBe(started.state)
    expect((await redeem(s, reg, started, landed)).scope).toBe('read')
  })

  it('RFC 9126 §4: a denial of a pushed request goes back to its redirect URI, with its state and iss', async () => {
    const s = setup()
    const reg = await register(s)
    const { started } = await push(s, reg)
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), started.url, 'deny'))
    expect(() => oauth.validateAuthResponse(par, reg.client, landed, started.state)).toThrow(
      expect.objectContaining({ error: 'access_denied' }),
    )
  })

  it('RFC 8414 §2 / RFC 9126 §5: discovery names the PAR endpoint and whether it is required', async () => {
    const s = setup({ par: { required: true } })
    const discovered = await oauth.processDiscoveryResponse(
      new URL(ISSUER),
      await oauth.discoveryRequest(new URL(ISSUER), { ...via(s), algorithm: 'oauth2' }),
    )
    expect(discovered.pushed_authorization_request_endpoint).toBe(`${ISSUER}/par/`)
    expect(discovered.require_pushed_authorization_requests).toBe(true)
    const plain = setup()
    const metadata = (await (await plain.fetch(`https://as.example/.well-known/oauth-authorization-server/o`)).json()) as Record<
      string,
      unknown
    >
    expect(metadata.require_pushed_authorization_requests).toBe(false)
  })

  it('RFC 9126 §5: with par.required, oauth4webapi pushes and the flow completes', async () => {
    const s = setup({ par: { required: true } })
    const reg = await register(s)
    const { started } = await push(s, reg)
    const tokens = await redeem(s, reg, started, location(await authorizeAs(s, s.users.signIn('user-1'), started.url)))
    expect(tokens.refresh_token).toMatch(/^gl_rt_/)
  })

  it('RFC 9449 §10.1: a DPoP proof at the PAR endpoint binds the code to its key; another key cannot redeem it', async () => {
    const s = setup({ now: () => Date.now() })
    s.clock.set(Date.now())
    const reg = await register(s)
    const keys = await generateKeyPair('ES256', { extractable: true })
    const { started } = await push(s, reg, {}, oauth.DPoP(reg.client, keys))
    const landed = location(await authorizeAs(s, s.users.signIn('user-1'), started.url))
    expect(landed.searchParams.get('code')).toMatch(new RegExp(`\\.${await calculateJwkThumbprint(await exportJWK(keys.publicKey))}$`))
    const other = oauth.DPoP(reg.client, await generateKeyPair('ES256', { extractable: true }))
    await expect(redeem(s, reg, started, landed, other)).rejects.toMatchObject({ error: 'invalid_grant' })

    const again = await push(s, reg, {}, oauth.DPoP(reg.client, keys))
    const bound = location(await authorizeAs(s, s.users.signIn('user-1'), again.started.url))
    const tokens = await redeem(s, reg, again.started, bound, oauth.DPoP(reg.client, keys))
    expect(tokens.token_type).toBe('dpop')
  })
})
