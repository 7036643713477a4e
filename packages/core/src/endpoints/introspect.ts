import { authenticateClient } from '../client-auth/authenticate-client.js'
import type { ProviderContext, RequestContext } from '../contracts/context.js'
import { readForm, required } from '../http/form.js'
import { json } from '../http/responses.js'
import { findToken } from '../tokens/find-token.js'
import { checkPost } from './token.js'

/**
 * RFC 7662 introspection. The caller authenticates as a client and learns about a token only if
 * it is the token's client or a resource server (`introspection: true`); everyone else, and every
 * unknown, expired, revoked or used token, gets exactly `{"active": false}` (§2.2). A caller that
 * fails to authenticate gets 401 invalid_client with a challenge (§2.3, RFC 6749 §5.2).
 */
export async function introspect(provider: ProviderContext, request: Request, call: RequestContext): Promise<Response> {
  checkPost(request)
  const params = await readForm(request)
  const client = await authenticateClient(provider, call, params, {
    endpoint: provider.endpoints.introspection_endpoint,
    challenge: true,
  })
  const { config } = provider
  const found = await findToken(provider, required(params, 'token'), params.get('token_type_hint'), config.seconds())
  const mayKnow = found !== null && (found.token.client_id === client.client_id || client.introspection)
  if (!found || !mayKnow || (found.kind === 'refresh_token' && found.token.used_at !== null)) return json({ active: false })
  const { token, family } = found
  const username = token.sub === null ? undefined : await config.accounts.username?.(token.sub)
  return json({
    active: true,
    scope: token.scopes.join(' '),
    client_id: token.client_id,
    ...(username === undefined ? {} : { username }),
    // RFC 9449 §6.2: a DPoP-bound access token says so, and names its key.
    ...(found.kind === 'access_token' ? accessTokenType(found.token.cnf_jkt) : {}),
    exp: token.expires_at,
    iat: token.created_at,
    ...(token.sub === null ? {} : { sub: token.sub }),
    // RFC 8707: the resources the token is for; a token for none names no audience.
    ...audienceOf(found.kind === 'access_token' ? found.token.audience : family.resource),
    iss: config.issuer,
  })
}

function accessTokenType(jkt: string | null): { token_type: 'Bearer' | 'DPoP'; cnf?: { jkt: string } } {
  return jkt === null ? { token_type: 'Bearer' } : { token_type: 'DPoP', cnf: { jkt } }
}

function audienceOf(audience: string[]): { aud?: string | string[] } {
  if (audience.length === 0) return {}
  return { aud: audience.length === 1 ? (audience[0] as string) : audience }
}
