import { createHash, randomBytes } from 'node:crypto'
import { ConfigError, html } from '@grantline/core'
import type { Server } from './build-provider.js'

const DEMO_CALLBACK = '/demo/callback'

/**
 * On a new, empty database: a demo user and a demo client, and a ready authorization URL, so a
 * newcomer can walk the code flow in a browser. A database with any user or client is left alone.
 */
export async function seedDemo(server: Server, origin: string, basePath: string): Promise<string | null> {
  const [users, clients] = await Promise.all([server.accounts.users.list(), server.provider.clients.list()])
  if (users.length > 0 || clients.length > 0) return null
  const password = randomBytes(9).toString('base64url')
  try {
    await server.accounts.users.create({ username: 'demo', password, claims: { name: 'Demo User', email: 'demo@example.com' } })
  } catch (error) {
    // Another process started on the same empty database a moment earlier and is seeding it.
    if (error instanceof ConfigError && error.code === 'ERR_USERNAME_TAKEN') return null
    throw error
  }
  const redirectUri = `${origin}${DEMO_CALLBACK}`
  const { client, client_secret } = await server.provider.clients.create({
    client_name: 'Demo app',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  })
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: server.oidc ? 'openid profile email read write' : 'read write',
    state: 'demo',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  return `A new database: created a demo user and a demo client.

  user:           demo / ${password}
  client_id:      ${client.client_id}
  client_secret:  ${client_secret}

1. Open this authorization URL and sign in as demo:
   ${origin}${basePath}/authorize/?${query}
2. Approve; the demo callback page shows the code. Exchange it (within 60 s):
   curl -u '${client.client_id}:${client_secret}' -d grant_type=authorization_code -d code=CODE \\
     -d redirect_uri='${redirectUri}' -d code_verifier=${verifier} ${origin}${basePath}/token/

Manage applications at ${origin}${basePath}/applications/ (these credentials are printed only now).`
}

/** The demo client's redirect target: shows the code it received. */
export function demoCallback(request: Request): Response | null {
  const url = new URL(request.url)
  if (url.pathname !== DEMO_CALLBACK) return null
  const code = url.searchParams.get('code')
  const error = url.searchParams.get('error')
  const body = code
    ? html`<h1>Authorization code received</h1><p><code>${code}</code></p><p>Exchange it with the curl command the server printed when it started (<code>grantline serve</code>, or <code>npm start</code> in a clone), replacing CODE.</p>`
    : html`<h1>No code</h1><p>${error ?? 'nothing'}: ${url.searchParams.get('error_description') ?? ''}</p>`
  return new Response(
    html`<!doctype html><meta charset="utf-8"><title>Grantline demo callback</title><body style="font-family:system-ui;max-width:40rem;margin:3rem auto">${body}</body>`.toString(),
    {
      headers: {
        'content-type': 'text/html;charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      },
    },
  )
}
