import type { ProviderConfig } from '@grantline/core'
import { describe, expect, it } from 'vitest'
import { ORIGIN as AS_ORIGIN, setupOidc } from '../oidc/userinfo/support.js'
import { authorizeUrl, createClient, obtainCode, pkcePair } from '../security/support.js'
import { basic, form, ISSUER, REDIRECT_URI, type Setup, setup } from '../support/provider.js'

const SPA = 'https://spa.example'
const OTHER_APP = 'https://other.example'
const EVIL = 'https://evil.example'

/** A POST to an endpoint from a page at `origin`, with Basic credentials when given. */
function postFrom(
  s: Setup,
  endpoint: string,
  origin: string | undefined,
  values: Record<string, string>,
  auth?: { id: string; secret: string },
) {
  const { headers, ...init } = form(values)
  return s.provider.handle(
    new Request(`${ISSUER}/${endpoint}/`, {
      ...init,
      headers: { ...headers, ...(origin ? { origin } : {}), ...(auth ? { authorization: basic(auth.id, auth.secret) } : {}) },
    }),
  )
}

/** A CORS preflight (Fetch §3.2.2) for a POST with an Authorization header. */
function preflight(s: Setup, endpoint: string, origin: string) {
  return s.provider.handle(
    new Request(`${ISSUER}/${endpoint}/`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    }),
  )
}

/** A public SPA allowing its origin, and a confidential client allowing another one. */
async function clients(s: Setup) {
  const spa = await createClient(s, { client_type: 'public', allowed_cors_origins: [SPA] })
  const app = await createClient(s, { allowed_cors_origins: [OTHER_APP], grant_types: ['authorization_code', 'client_credentials'] })
  return { spa, app, appAuth: { id: app.client_id, secret: app.client_secret } }
}

const acao = (response: Response) => response.headers.get('access-control-allow-origin')

function expectNoCors(response: Response): void {
  expect(acao(response)).toBeNull()
  expect(response.headers.get('access-control-allow-credentials')).toBeNull()
}

describe('RFC 9700 §2.6: no CORS at the authorization endpoint and on the pages', () => {
  it('RFC 9700 §2.6: the authorization endpoint answers no Access-Control-Allow-Origin, whatever the Origin and outcome', async () => {
    const s = setup()
    const { spa } = await clients(s)
    const { challenge } = await pkcePair()
    const valid = authorizeUrl({
      client_id: spa.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const cookie = s.users.signIn('user-1')
    for (const origin of [SPA, EVIL, 'null']) {
      const consentPage = await s.provider.handle(new Request(valid, { headers: { origin, cookie } }))
      expect(consentPage.status).toBe(200)
      expectNoCors(consentPage)
      const loginRedirect = await s.provider.handle(new Request(valid, { headers: { origin } }))
      expect(loginRedirect.status).toBe(302)
      expectNoCors(loginRedirect)
      const errorPage = await s.provider.handle(
        new Request(authorizeUrl({ client_id: 'nobody', response_type: 'code' }), { headers: { origin } }),
      )
      expect(errorPage.status).toBe(400)
      expectNoCors(errorPage)
      const options = await s.provider.handle(
        new Request(valid, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } }),
      )
      expect(options.status).toBe(405)
      expectNoCors(options)
    }
  })

  it('RFC 9700 §2.6: a renderConsent hook that adds CORS headers loses them', async () => {
    const renderConsent: ProviderConfig['renderConsent'] = () =>
      new Response('<p>consent</p>', {
        headers: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true', 'content-type': 'text/html' },
      })
    const s = setup({ renderConsent })
    const { spa } = await clients(s)
    const { challenge } = await pkcePair()
    const url = authorizeUrl({
      client_id: spa.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const response = await s.provider.handle(new Request(url, { headers: { origin: EVIL, cookie: s.users.signIn('user-1') } }))
    expect(response.status).toBe(200)
    expectNoCors(response)
    expect(await response.text()).toBe('<p>consent</p>')
  })

  it('the login, logout and management pages answer no Access-Control-Allow-Origin', async () => {
    const s = await setupOidc()
    for (const url of [
      `${AS_ORIGIN}/accounts/login/`,
      `${AS_ORIGIN}/accounts/logout/`,
      `${ISSUER}/logout/`,
      `${ISSUER}/applications/`,
      `${ISSUER}/authorized_tokens/`,
    ]) {
      const response = await s.provider.handle(new Request(url, { headers: { origin: EVIL } }))
      expect(response.status, url).toBeLessThan(500)
      expectNoCors(response)
    }
  })
})

describe('RFC 9700 §2.6: per-client allowed CORS origins at the token endpoint', () => {
  it('a preflight from an origin some client allows: 204 with the origin, POST, Authorization, Content-Type and DPoP (RFC 9449), Vary: Origin', async () => {
    const s = setup()
    await clients(s)
    for (const origin of [SPA, OTHER_APP]) {
      const response = await preflight(s, 'token', origin)
      expect(response.status).toBe(204)
      expect(acao(response)).toBe(origin)
      expect(response.headers.get('access-control-allow-methods')).toBe('POST')
      expect(response.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, DPoP')
      expect(response.headers.get('vary')).toBe('Origin')
      expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    }
  })

  it('a preflight from an origin no client allows, or from an opaque origin (null), gets no CORS headers', async () => {
    const s = setup()
    await clients(s)
    for (const origin of [EVIL, 'null', 'https://spa.example:8443', 'http://spa.example']) {
      const response = await preflight(s, 'token', origin)
      expect(response.status).toBe(204)
      expectNoCors(response)
      expect(response.headers.get('access-control-allow-methods')).toBeNull()
      expect(response.headers.get('vary')).toBe('Origin')
    }
  })

  it('preflights read the clients at most every 60 s: a newly allowed origin is granted once the minute has passed', async () => {
    const s = setup()
    await clients(s)
    expect(acao(await preflight(s, 'token', 'https://new.example'))).toBeNull()
    await createClient(s, { allowed_cors_origins: ['https://new.example'] })
    expect(acao(await preflight(s, 'token', 'https://new.example'))).toBeNull()
    s.clock.advance(60)
    expect(acao(await preflight(s, 'token', 'https://new.example'))).toBe('https://new.example')
  })

  it("the token response is readable only by the authenticating client's own origins", async () => {
    const s = setup()
    const { spa, appAuth } = await clients(s)
    const { code, verifier } = await obtainCode(s, spa)
    const redeem = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier as string,
      client_id: spa.client_id,
    }
    const own = await postFrom(s, 'token', SPA, redeem)
    expect(own.status).toBe(200)
    expect(acao(own)).toBe(SPA)
    expect(own.headers.get('vary')).toContain('Origin')
    expect(own.headers.get('access-control-allow-credentials')).toBeNull()
    const { refresh_token } = (await own.json()) as { refresh_token: string }

    // Another client's origin, and an origin no client allows, cannot read the public client's tokens.
    for (const origin of [OTHER_APP, EVIL]) {
      const response = await postFrom(s, 'token', origin, { grant_type: 'refresh_token', refresh_token, client_id: spa.client_id })
      expectNoCors(response)
    }
    // The confidential client from its own origin may read; from the SPA's origin it may not.
    const machine = await postFrom(s, 'token', OTHER_APP, { grant_type: 'client_credentials' }, appAuth)
    expect(machine.status).toBe(200)
    expect(acao(machine)).toBe(OTHER_APP)
    expect(acao(await postFrom(s, 'token', SPA, { grant_type: 'client_credentials' }, appAuth))).toBeNull()
  })

  it('errors after authentication are readable by the client (invalid_grant); a failed authentication is not', async () => {
    const s = setup()
    const { spa, app } = await clients(s)
    const afterAuth = await postFrom(s, 'token', SPA, { grant_type: 'authorization_code', code: 'gl_ac_unknown', client_id: spa.client_id })
    expect(afterAuth.status).toBe(400)
    expect(acao(afterAuth)).toBe(SPA)
    const failedAuth = await postFrom(
      s,
      'token',
      OTHER_APP,
      { grant_type: 'client_credentials' },
      { id: app.client_id, secret: 'gl_cs_wrong' },
    )
    expect(failedAuth.status).toBe(401)
    expectNoCors(failedAuth)
    const nullOrigin = await postFrom(s, 'token', 'null', {
      grant_type: 'authorization_code',
      code: 'gl_ac_unknown',
      client_id: spa.client_id,
    })
    expectNoCors(nullOrigin)
  })

  it('a request without an Origin (a server-side client) gets no CORS headers and no Vary; its response is no-store', async () => {
    const s = setup()
    // The client lists an origin: what is missing is missing because the request named none.
    const { appAuth } = await clients(s)
    const response = await postFrom(s, 'token', undefined, { grant_type: 'client_credentials' }, appAuth)
    expect(response.status).toBe(200)
    expectNoCors(response)
    expect(response.headers.get('vary')).toBeNull()
    expect(response.headers.get('cache-control')).toBe('no-store')
  })
})

describe('RFC 9700 §2.6: revocation (RFC 7009) and introspection (RFC 7662) follow the same rules', () => {
  it.each(['revoke_token', 'introspect'])(
    '%s: preflight for allowed origins only; responses readable by the caller’s own origins only',
    async (endpoint) => {
      const s = setup()
      const { spa, appAuth } = await clients(s)
      expect(acao(await preflight(s, endpoint, SPA))).toBe(SPA)
      expect(acao(await preflight(s, endpoint, EVIL))).toBeNull()

      const own = await postFrom(s, endpoint, SPA, { token: 'gl_at_unknown', client_id: spa.client_id })
      expect(own.status).toBe(200)
      expect(acao(own)).toBe(SPA)
      expectNoCors(await postFrom(s, endpoint, EVIL, { token: 'gl_at_unknown', client_id: spa.client_id }))
      expectNoCors(await postFrom(s, endpoint, SPA, { token: 'gl_at_unknown' }, appAuth))
      expect(acao(await postFrom(s, endpoint, OTHER_APP, { token: 'gl_at_unknown' }, appAuth))).toBe(OTHER_APP)
    },
  )
})
