import type { GrantHandler } from '../contracts/grant-handler.js'
import { tokenIssued } from '../events/emit.js'
import { required } from '../http/form.js'
import { sha256Hex } from '../primitives/crypto.js'
import { OAuthError } from '../primitives/errors.js'
import { checkCodeBinding } from '../protocol/dpop-code-binding.js'
import { checkVerifier } from '../protocol/pkce.js'
import { narrowResources } from '../protocol/resources.js'
import { issuesRefresh, mintRefreshToken, tokenResponse } from '../tokens/mint.js'

/**
 * RFC 6749 §4.1.3: redeems a single-use code bound to its client, redirect_uri and PKCE challenge,
 * within ttl.code of its issue (§4.1.2). A replay, even after that, revokes what it issued.
 */
export const authorizationCode: GrantHandler = {
  grantType: 'authorization_code',
  parameters: ['code', 'redirect_uri', 'code_verifier', 'resource'],
  async handle({ params, client, config, storage, emit, signIdToken, mintAccessToken, dpopJkt, now }) {
    const value = required(params, 'code')
    const result = await storage.consume('code', sha256Hex(value), now)
    if (result.status === 'absent') throw new OAuthError('invalid_grant', 'the code is invalid or expired')
    const code = result.record
    if (result.status === 'reused' || code.client_id !== client.client_id) {
      // RFC 6749 §4.1.2 / RFC 9700 §4.5: a replayed or misdirected code revokes what it issued.
      await storage.revokeFamily(code.family_id, now)
      emit({
        type: 'code.replayed',
        client_id: client.client_id,
        family_id: code.family_id,
        reason: result.status === 'reused' ? 'reused' : 'other_client',
      })
      throw new OAuthError(
        'invalid_grant',
        result.status === 'reused' ? 'the code was already used' : 'the code was issued to another client',
      )
    }
    // The row outlives the code as its replay tombstone (CodeRecord.expires_at): the code itself
    // is good for ttl.code only (RFC 6749 §4.1.2).
    if (now >= code.created_at + config.ttl.code) throw new OAuthError('invalid_grant', 'the code is invalid or expired')
    const redirectUri = params.get('redirect_uri')
    const expected = code.redirect_uri ?? (client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined)
    if ((code.redirect_uri !== null || redirectUri !== undefined) && redirectUri !== expected) {
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request')
    }
    checkVerifier(code, params.get('code_verifier'))
    checkCodeBinding(value, dpopJkt)
    const family = await storage.getFamily(code.family_id, now)
    if (!family) throw new OAuthError('invalid_grant', 'the authorization was revoked')
    // RFC 8707 §2.2: the token request may narrow the grant's resources, never widen them.
    const access = await mintAccessToken(family, family.scopes, narrowResources(family.resource, params.get('resource')))
    const refresh = issuesRefresh(config, client)
      ? mintRefreshToken(config, family, family.scopes, access.record.hash, now, client.client_type === 'public' ? dpopJkt : null)
      : undefined
    // OIDC Core §3.1.3.3: the ID Token carries the request's nonce and the access token's hash. It is
    // signed first, so a signing failure stores no token.
    const id_token = await signIdToken({ family, now, nonce: family.nonce, accessToken: access.value })
    await storage.issueTokens({ access: access.record, ...(refresh ? { refresh: refresh.record } : {}) })
    const response = tokenResponse(access, now, refresh)
    // The code's family was stored at authorization: its first tokens are issued here.
    emit(tokenIssued('authorization_code', family))
    return id_token === undefined ? response : { ...response, id_token }
  },
}
