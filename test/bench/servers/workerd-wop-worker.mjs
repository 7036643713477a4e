// @cloudflare/workers-oauth-provider with its KV storage (OAUTH_KV). The default handler is the
// bench's control endpoint: /__client makes the client, /__seed makes codes (or refresh tokens,
// by redeeming codes) through the library's own helpers, as a consent page would.
import { OAuthProvider } from '@cloudflare/workers-oauth-provider'

const REDIRECT_URI = 'https://app.example/cb'
let credentials

async function seed(request, env) {
  const url = new URL(request.url)
  if (url.pathname === '/__client') {
    const client = await env.OAUTH_PROVIDER.createClient({
      redirectUris: [REDIRECT_URI],
      clientName: 'bench',
      tokenEndpointAuthMethod: 'client_secret_basic',
    })
    credentials = { clientId: client.clientId, clientSecret: client.clientSecret }
    return Response.json(credentials)
  }
  if (url.pathname !== '/__seed') return new Response('not found', { status: 404 })
  const kind = url.searchParams.get('kind')
  const count = Number(url.searchParams.get('count'))
  const challenge = url.searchParams.get('challenge')
  const verifier = url.searchParams.get('verifier')
  const values = []
  for (let i = 0; i < count; i++) {
    const { redirectTo } = await env.OAUTH_PROVIDER.completeAuthorization({
      request: {
        responseType: 'code',
        clientId: credentials.clientId,
        redirectUri: REDIRECT_URI,
        scope: ['read'],
        state: 'x',
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
      },
      userId: 'bench-user',
      metadata: {},
      scope: ['read'],
      props: { sub: 'bench-user' },
      // Many live grants for one user and client, as Grantline's pre-created families are.
      revokeExistingGrants: false,
    })
    const code = new URL(redirectTo).searchParams.get('code')
    if (kind === 'code') {
      values.push(code)
      continue
    }
    const response = await provider.fetch(
      new Request('http://127.0.0.1/token', {
        method: 'POST',
        headers: {
          authorization: `Basic ${btoa(`${credentials.clientId}:${credentials.clientSecret}`)}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }),
      }),
      env,
      { waitUntil() {}, passThroughOnException() {} },
    )
    values.push((await response.json()).refresh_token)
  }
  return Response.json({ ok: true, values })
}

const provider = new OAuthProvider({
  apiRoute: '/api/',
  apiHandler: { fetch: () => new Response('{"ok":true}') },
  defaultHandler: { fetch: seed },
  authorizeEndpoint: '/authorize',
  tokenEndpoint: '/token',
  clientRegistrationEndpoint: '/register',
  resourceMetadata: { resource: 'http://127.0.0.1/api/' },
})

export default provider
