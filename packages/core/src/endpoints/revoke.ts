import { authenticateClient } from '../client-auth/authenticate-client.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import { emit } from '../events/emit.js'
import { readForm, required } from '../http/form.js'
import { OAuthError } from '../primitives/errors.js'
import { findToken } from '../tokens/find-token.js'
import { checkPost } from './token.js'

/**
 * RFC 7009 revocation. A client revokes only its own tokens; revoking a refresh token revokes its
 * whole grant (§2.1); unknown tokens answer 200 (§2.2); a storage failure is a 500, never a 200.
 * A caller that fails to authenticate gets 401 invalid_client with a challenge (§2.1, §2.2.1 with
 * RFC 6749 §5.2).
 */
export async function revoke(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  checkPost(request)
  const params = await readForm(request)
  const client = await authenticateClient(provider, call, params, {
    endpoint: provider.endpoints.revocation_endpoint,
    challenge: true,
  })
  const { storage } = provider.config
  const now = provider.config.seconds()
  const found = await findToken(provider, required(params, 'token'), params.get('token_type_hint'), now)
  if (found) {
    if (found.token.client_id !== client.client_id) throw new OAuthError('invalid_request', 'the token was not issued to this client')
    if (found.kind === 'refresh_token') await storage.revokeFamily(found.family.id, now)
    else await storage.revokeAccessToken(found.token.hash, now)
    emit(provider, call, {
      type: 'token.revoked',
      by: 'revocation_endpoint',
      client_id: client.client_id,
      sub: found.token.sub,
      family_id: found.family.id,
      token_type: found.kind,
    })
  }
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' } })
}
