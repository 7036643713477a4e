import type { ProviderContext } from '../../contracts/context.js'
import { formPostPage } from '../../html/form-post-page.js'
import { redirect, withParams } from '../../http/responses.js'
import type { RedirectTarget } from './authorization-request.js'

/** 302 answers a GET; a POSTed form gets 303 so the browser does not re-POST (RFC 9700 §4.12). */
const statusFor = (request: Request) => (request.method === 'POST' ? 303 : 302)

/**
 * Sends authorization response parameters (a grant or an error) to a validated redirect URI in
 * the target's response mode: query or fragment of a redirect (Multiple Response Types §2.1), or
 * an auto-submitting form (Form Post Response Mode §2). Adds `state` and `iss` (RFC 9207 §2) to
 * every response, whatever the mode.
 */
export function deliver(
  provider: ProviderContext,
  request: Request,
  target: RedirectTarget,
  params: Record<string, string | undefined>,
): Response {
  const all = { ...params, state: target.state, iss: provider.config.issuer }
  if (target.mode === 'form_post') return formPostPage(target.redirectUri, all)
  return redirect(withParams(target.redirectUri, all, target.mode), statusFor(request))
}
