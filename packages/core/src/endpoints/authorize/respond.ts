import type { AccountSession } from '../../accounts.js'
import type { ProviderContext } from '../../context.js'
import { randomSecret, sha256Hex } from '../../crypto.js'
import type { OAuthError } from '../../errors.js'
import { redirect, withParams } from '../../http/responses.js'
import type { Consent } from '../../storage.js'
import { mintAccessToken, newFamily } from '../../tokens.js'
import type { AuthorizationRequest, RedirectTarget } from './authorization-request.js'

/** 302 answers a GET; a POSTed form gets 303 so the browser does not re-POST (RFC 9700 §4.12). */
const statusFor = (request: Request) => (request.method === 'POST' ? 303 : 302)

/** Sends an authorization error back to a validated redirect URI, with state and iss (RFC 9207). */
export function redirectError(provider: ProviderContext, request: Request, target: RedirectTarget, error: OAuthError): Response {
  return redirect(
    withParams(target.redirectUri, { error: error.error, error_description: error.message, state: target.state, iss: provider.config.issuer }, target.mode),
    statusFor(request),
  )
}

/**
 * Issues the authorization response of an approved request: a code (RFC 6749 §4.1.2) or, for the
 * implicit grant, an access token in the fragment (§4.2.2; never a refresh token).
 */
export async function respond(
  provider: ProviderContext,
  request: Request,
  authz: AuthorizationRequest,
  user: AccountSession,
  consent: Consent | null,
): Promise<Response> {
  const { config } = provider
  const { storage } = config
  const now = config.seconds()
  const { client, target } = authz
  const fields = {
    client_id: client.client_id,
    scopes: authz.scopes,
    sub: user.sub,
    consent_id: consent?.id ?? null,
    auth_time: user.authTime,
    acr: user.acr ?? null,
    amr: user.amr ?? null,
    nonce: authz.params.get('nonce') ?? null,
    claims: authz.params.get('claims') ?? null,
  }
  const common = { state: target.state, iss: config.issuer }
  if (authz.responseType === 'code') {
    const family = newFamily(config, fields, now)
    const code = randomSecret('gl_ac_')
    await storage.createCode(
      {
        hash: sha256Hex(code),
        family_id: family.id,
        client_id: client.client_id,
        redirect_uri: authz.requestedRedirectUri,
        ...authz.pkce,
        created_at: now,
        expires_at: now + config.ttl.code,
        consumed_at: null,
      },
      family,
    )
    return redirect(withParams(target.redirectUri, { code, ...common }, target.mode), statusFor(request))
  }
  const family = newFamily(config, fields, now, config.ttl.accessToken)
  const access = mintAccessToken(config, family, authz.scopes, now)
  await storage.issueTokens({ family, access: access.record })
  const token = { access_token: access.value, token_type: 'Bearer', expires_in: String(access.record.expires_at - now), scope: authz.scopes.join(' ') }
  return redirect(withParams(target.redirectUri, { ...token, ...common }, target.mode), statusFor(request))
}
