import { base64url, randomBytes } from '../primitives/crypto.js'
import { html } from './html.js'

/**
 * OAuth 2.0 Form Post Response Mode §2: an HTML page whose form POSTs the response parameters to
 * the redirect URI. A nonce'd inline script submits it at once; without JavaScript a `<noscript>`
 * button does. The CSP allows that one script and lets the form go only to the redirect URI's
 * origin (docs/security.md "Pages"); the page carries codes and tokens, so it is never cached.
 */
export function formPostPage(redirectUri: string, fields: Record<string, string | undefined>): Response {
  const nonce = base64url(randomBytes(16))
  const url = new URL(redirectUri)
  // A private-use scheme (RFC 8252 §7.1) has no origin; CSP names it by scheme instead.
  const target = url.origin === 'null' ? url.protocol : url.origin
  const hidden = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)
  // HTMLFormElement.prototype.submit: a field named "submit" cannot shadow the method.
  const document = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>Returning to the application</title></head><body><form method="post" action="${redirectUri}">${hidden}<noscript><p>JavaScript is off. Press Continue to return to the application.</p><button type="submit">Continue</button></noscript></form><script nonce="${nonce}">HTMLFormElement.prototype.submit.call(document.forms[0])</script></body></html>`
  return new Response(document.toString(), {
    status: 200,
    headers: {
      'content-type': 'text/html;charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'none'; base-uri 'none'; form-action ${target}`,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    },
  })
}
