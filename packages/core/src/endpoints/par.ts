import { authenticateClient } from '../client-auth/authenticate-client.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import { checkProof, nonceHeader } from '../dpop/check-proof.js'
import { readForm } from '../http/form.js'
import { json } from '../http/responses.js'
import { pushRequest } from '../par/pushed-request.js'
import { OAuthError } from '../primitives/errors.js'
import { RedirectableError, validateAuthorizationRequest } from './authorize/authorization-request.js'
import { checkPost } from './token.js'

/**
 * The pushed authorization request endpoint (RFC 9126 §2). The client authenticates as at the
 * token endpoint (§2: every method it may use there, `none` for a public client), the request
 * must not carry a request_uri (§2.1), and it is validated as the authorization endpoint would
 * (§2.1); then it is stored, single use, and answered 201 with its request_uri (§2.2). Every
 * error is JSON (§2.3): nothing here redirects.
 */
export async function pushedAuthorizationRequest(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  checkPost(request)
  const form = await readForm(request)
  const urls = provider.endpoints
  // RFC 9126 §2.3: invalid_client is a 401, which carries a challenge (RFC 9110 §15.5.2).
  const client = await authenticateClient(provider, call, form, {
    endpoint: urls.pushed_authorization_request_endpoint,
    challenge: true,
  })
  if (form.has('request_uri')) throw new OAuthError('invalid_request', 'a pushed request cannot carry request_uri (RFC 9126 section 2.1)')
  const { config } = provider
  const params = new Map(form)
  params.set('client_id', client.client_id)
  // Checked before validation, which may spend a request object's jti.
  const proof = await checkProof(config, request, { url: urls.pushed_authorization_request_endpoint })
  let validated: Awaited<ReturnType<typeof validateAuthorizationRequest>>
  try {
    // A signed `request` (RFC 9101) is verified here too, and its parameters are the request.
    validated = await validateAuthorizationRequest(provider, call, params)
  } catch (error) {
    // Nothing redirects from here: the client hears of it in the response (RFC 9126 §2.3).
    throw error instanceof RedirectableError ? error.error : error
  }
  // FAPI 2.0 Security Profile §5.3.2.2: the redirect URI is always pushed, never defaulted.
  if (config.profile === 'fapi2' && validated.requestedRedirectUri === null) {
    throw new OAuthError('invalid_request', 'the redirect_uri parameter is required in a pushed request (FAPI 2.0)')
  }
  // RFC 9449 §10.1: a proof at the PAR endpoint binds the code to its key, as dpop_jkt would.
  if (proof) {
    const requested = validated.params.get('dpop_jkt')
    if (requested !== undefined && requested !== proof.jkt) {
      throw new OAuthError('invalid_dpop_proof', 'dpop_jkt does not match the key of the DPoP proof (RFC 9449 section 10.1)')
    }
    validated.params.set('dpop_jkt', proof.jkt)
  }
  const ttl = config.par.ttl
  const requestUri = await pushRequest(provider, client.client_id, validated.params, ttl)
  return json({ request_uri: requestUri, expires_in: ttl }, 201, await nonceHeader(config))
}
