import type { GrantContext, GrantHandler } from '../contracts/grant-handler.js'
import type { Family } from '../contracts/storage.js'
import type { TokenResponse } from '../contracts/tokens.js'
import { grantFields } from '../events/emit.js'
import { required } from '../http/form.js'
import { sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { narrowResources } from '../protocol/resources.js'
import { parseScope } from '../protocol/scopes.js'
import { mintRefreshToken, tokenResponse } from '../tokens/mint.js'

/**
 * RFC 6749 §6 with rotation and reuse detection (RFC 9700 §4.14.2): each use marks the token used
 * and issues its successor atomically; reuse outside the grace window revokes the family. A
 * `resource` narrows the new access token's audience within the grant's (RFC 8707 §2.2).
 */
export const refreshToken: GrantHandler = {
  grantType: 'refresh_token',
  parameters: ['refresh_token', 'scope', 'resource'],
  async handle(context) {
    const { params, client, config, storage, emit, now } = context
    const hash = sha256Hex(required(params, 'refresh_token'))
    const found = await storage.findRefreshToken(hash, now)
    if (!found || found.token.client_id !== client.client_id)
      throw new OAuthError('invalid_grant', 'the refresh token is invalid, expired or revoked')
    const { token, family } = found
    checkRefreshBinding(token.cnf_jkt, context.dpopJkt)
    const requested = params.get('scope')
    const scopes = requested === undefined ? token.scopes : parseScope(requested)
    const wider = scopes.find((scope) => !token.scopes.includes(scope))
    if (wider) throw new OAuthError('invalid_scope', `the scope "${wider}" was not granted to this refresh token`)
    // RFC 8707 §2.2: the access token may be for fewer of the grant's resources; the refresh token keeps them all.
    const access = await context.mintAccessToken(family, scopes, narrowResources(family.resource, params.get('resource')))
    if (!config.rotateRefreshTokens) {
      if (token.used_at !== null) throw new OAuthError('invalid_grant', 'the refresh token was already used')
      await storage.issueTokens({ access: access.record })
      return refreshed(context, family, scopes, await withIdToken(context, family, scopes, tokenResponse(access, now), access.value))
    }
    // RFC 6749 §6: a new refresh token keeps exactly the scope of the one presented.
    const refresh = mintRefreshToken(config, family, token.scopes, access.record.hash, now, token.cnf_jkt)
    const result = await storage.rotateRefresh(hash, { access: access.record, refresh: refresh.record }, now, config.refreshGraceSeconds)
    if (result.status === 'reused') {
      await storage.revokeFamily(result.family_id, now)
      emit({ type: 'refresh_token.reused', client_id: client.client_id, sub: family.sub, family_id: result.family_id })
      throw new OAuthError('invalid_grant', 'the refresh token was already used; its grant is revoked')
    }
    if (result.status === 'absent') throw new OAuthError('invalid_grant', 'the refresh token is invalid, expired or revoked')
    return refreshed(context, family, scopes, await withIdToken(context, family, scopes, tokenResponse(access, now, refresh), access.value))
  },
}

/**
 * RFC 9449 §5: a refresh token bound to a key (a public client's) is used only with a proof by
 * that key; its successor stays bound to it.
 */
function checkRefreshBinding(bound: string | null, dpopJkt: string | null): void {
  if (bound === null) return
  if (dpopJkt === null) throw new OAuthError('invalid_dpop_proof', 'the refresh token is bound to a DPoP key: a DPoP proof is required')
  if (bound !== dpopJkt) throw new OAuthError('invalid_grant', 'the DPoP proof key does not match the key the refresh token is bound to')
}

/** Reports the refresh once its response is complete. */
function refreshed({ emit }: GrantContext, family: Family, scopes: string[], response: TokenResponse): TokenResponse {
  emit({ type: 'token.refreshed', ...grantFields(family), scopes })
  return response
}

/** OIDC Core §12.2: a refreshed openid grant gets a new ID Token with the same sub and auth_time, no nonce. */
async function withIdToken(
  { signIdToken, now }: GrantContext,
  family: Family,
  scopes: string[],
  response: TokenResponse,
  accessToken: string,
): Promise<TokenResponse> {
  // A refresh narrowed to fewer scopes releases only their claims, and none without openid.
  const id_token = await signIdToken({ family: { ...family, scopes }, now, accessToken })
  return id_token === undefined ? response : { ...response, id_token }
}
