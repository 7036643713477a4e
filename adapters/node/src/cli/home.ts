import { html } from '@grantline/core'

/**
 * The standalone server's `/`: where the login page sends a user who came without `next`
 * (Django's LOGIN_REDIRECT_URL), with links to what a person can do here.
 */
export function homePage(request: Request, basePath: string): Response | null {
  if (new URL(request.url).pathname !== '/') return null
  const link = (path: string, text: string) => html`<li><a href="${path}">${text}</a></li>`
  const body = html`<h1>Grantline</h1><p>An OAuth 2.1 and OpenID Connect authorization server.</p><ul>${[
    link(`${basePath}/applications/`, 'Your applications'),
    link(`${basePath}/authorized_tokens/`, 'Applications you authorized'),
    link('/accounts/login/', 'Sign in'),
    link('/accounts/logout/', 'Sign out'),
    link(`${basePath}/.well-known/openid-configuration`, 'OpenID Connect discovery'),
  ]}</ul>`
  return new Response(
    html`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Grantline</title><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5">${body}</body></html>`.toString(),
    {
      headers: {
        'content-type': 'text/html;charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      },
    },
  )
}
